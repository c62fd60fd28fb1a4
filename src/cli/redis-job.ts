import { readFileSync } from "node:fs";
import type { TrialRequest } from "../analysis/batch.js";
import { identityOf } from "../analysis/job-identity.js";
import type { TrialResult } from "../analysis/trial.js";
import type { TrialJob } from "./trial-worker.js";
import { UsageError } from "./usage-error.js";

/** Queue name when --queue is not given; producers and workers must agree on it. */
export const DEFAULT_QUEUE = "metastable";

/** The metastable version a job was made by; a worker of another version refuses it. */
export const METASTABLE_VERSION: string = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
).version;

/** What a BullMQ job carries: the trial as worker threads get it, plus the producer's version. */
export interface RedisTrialJob extends TrialJob {
  version: string;
}

/**
 * The job id of a trial: a SHA-256 of everything its result depends on (the scenario variant's
 * parsed spec, which holds the parameter point, the seed, which fixes the replication, the
 * measurement start and the version). The same trial submitted twice, by a rerun or by another
 * sweep, maps to the same job, so BullMQ keeps one and its result is reused. The file name and
 * the text's comments are left out: they cannot change a result.
 */
export function trialJobId(trial: TrialRequest): string {
  const id = identityOf({
    kind: "trial",
    version: METASTABLE_VERSION,
    spec: trial.spec,
    seed: trial.seed,
    measureFrom: trial.measureFrom,
  });
  // BullMQ refuses custom ids that look like integers; the prefix rules that out.
  return `trial-${id}`;
}

/** Checks a --queue name: BullMQ uses ":" as its key separator. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name))
    throw new UsageError(`--queue must be 1-100 letters, digits, "_", "." or "-", got "${name}"`);
  return name;
}

// BullMQ stores return values as JSON, which turns NaN and ±Infinity into null and -0 into 0;
// numbers travel as strings where JSON would change them, so results equal in-process ones exactly.
const num = (x: number): number | string => (Object.is(x, -0) ? "-0" : Number.isFinite(x) ? x : String(x)); // String(-0) would be "0"

/** A TrialResult in a form that survives JSON unchanged. */
export type EncodedTrialResult = Omit<TrialResult, "goodputRatio" | "timeToRecover"> & {
  goodputRatio: number | string;
  timeToRecover: number | string | null;
};

/** Encodes a result for BullMQ's JSON storage. */
export function encodeTrialResult(r: TrialResult): EncodedTrialResult {
  return {
    ...r,
    goodputRatio: num(r.goodputRatio),
    timeToRecover: r.timeToRecover === null ? null : num(r.timeToRecover),
  };
}

const VERDICTS = new Set(["stable", "recovered", "metastable", "unstable"]);
/** The only numbers that travel as strings. */
const SPECIAL = new Set(["NaN", "Infinity", "-Infinity", "-0"]);

/** Decodes and checks a stored result; anything else in the queue's results is refused, not trusted. */
export function decodeTrialResult(value: unknown, jobId: string): TrialResult {
  const v = value as Partial<EncodedTrialResult> | null;
  const number = (x: unknown) => (typeof x === "string" && SPECIAL.has(x) ? Number(x) : x);
  const goodputRatio = number(v?.goodputRatio);
  const timeToRecover = v?.timeToRecover === null ? null : number(v?.timeToRecover);
  if (
    !v ||
    typeof v.seed !== "number" ||
    !VERDICTS.has(v.verdict as string) ||
    typeof v.stuck !== "boolean" ||
    typeof goodputRatio !== "number" ||
    (timeToRecover !== null && typeof timeToRecover !== "number") ||
    typeof v.healthyAtEnd !== "boolean" ||
    (v.healthySince !== null && typeof v.healthySince !== "number")
  )
    throw new Error(`job ${jobId} holds a result metastable cannot read: ${JSON.stringify(value)}`);
  return {
    seed: v.seed,
    verdict: v.verdict as TrialResult["verdict"],
    stuck: v.stuck,
    goodputRatio,
    timeToRecover,
    healthyAtEnd: v.healthyAtEnd,
    healthySince: v.healthySince ?? null,
    // Finite or null, so JSON keeps it as it is.
    ...((typeof v.latencyP99 === "number" || v.latencyP99 === null) && { latencyP99: v.latencyP99 }),
  };
}
