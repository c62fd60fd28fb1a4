import { readFileSync } from "node:fs";
import type { TrialRequest } from "../analysis/batch.js";
import { identityOf } from "../analysis/job-identity.js";
import { buildIdentity } from "./build-identity.js";
import type { TrialJob } from "./trial-worker.js";
import { UsageError } from "./usage-error.js";

/** Queue name when --queue is not given; producers and workers must agree on it. */
export const DEFAULT_QUEUE = "metastable";

/** The metastable version a job was made by; a worker of another version refuses it. */
export const METASTABLE_VERSION: string = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
).version;

/** What a BullMQ job carries: the trial as worker threads get it, plus the producer's version and build. */
export interface RedisTrialJob extends TrialJob {
  version: string;
  /** buildIdentity() of the producer: a worker running other code refuses the job. */
  build: string;
}

/**
 * The job id of a trial: a SHA-256 of everything its result depends on (the scenario variant's
 * parsed spec, which holds the parameter point, the seed, which fixes the replication, the
 * measurement start, the version and the build of the code). The same trial submitted twice, by a rerun or by another
 * sweep, maps to the same job, so BullMQ keeps one and its result is reused. The file name and
 * the text's comments are left out: they cannot change a result.
 */
export function trialJobId(trial: TrialRequest, build = buildIdentity()): string {
  const id = identityOf({
    kind: "trial",
    version: METASTABLE_VERSION,
    build,
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

// BullMQ stores return values as JSON: results travel in the checked encoding of trial-codec.
export { decodeTrialResult, type EncodedTrialResult, encodeTrialResult } from "../analysis/trial-codec.js";
