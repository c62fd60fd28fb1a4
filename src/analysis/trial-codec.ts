import type { TrialResult } from "./trial.js";

// Trial results stored outside the process (Redis results, map checkpoints and partial files) go
// through JSON, which turns NaN and ±Infinity into null and -0 into 0: those numbers travel as
// strings, so results read back equal in-process ones exactly. What is read back is checked, not
// trusted: a hand-edited or corrupted line is refused instead of merged into a map.

const num = (x: number): number | string => (Object.is(x, -0) ? "-0" : Number.isFinite(x) ? x : String(x)); // String(-0) would be "0"

/** A TrialResult in a form that survives JSON unchanged. */
export type EncodedTrialResult = Omit<TrialResult, "goodputRatio" | "timeToRecover"> & {
  goodputRatio: number | string;
  timeToRecover: number | string | null;
};

/** Encodes a result for JSON storage. */
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

/** Decodes and checks a stored result; `where` names it in the error (e.g. "job trial-…", "file:12"). */
export function decodeTrialResult(value: unknown, where: string): TrialResult {
  const v = value as Partial<EncodedTrialResult> | null;
  const number = (x: unknown) => (typeof x === "string" && SPECIAL.has(x) ? Number(x) : x);
  const goodputRatio = number(v?.goodputRatio);
  const timeToRecover = v?.timeToRecover === null ? null : number(v?.timeToRecover);
  if (
    !v ||
    typeof v !== "object" ||
    !Number.isSafeInteger(v.seed) ||
    (v.seed as number) < 0 ||
    !VERDICTS.has(v.verdict as string) ||
    v.stuck !== (v.verdict === "metastable" || v.verdict === "unstable") ||
    typeof goodputRatio !== "number" ||
    (timeToRecover !== null && typeof timeToRecover !== "number") ||
    typeof v.healthyAtEnd !== "boolean" ||
    (v.healthySince !== null && !Number.isFinite(v.healthySince)) ||
    (v.latencyP99 !== undefined && v.latencyP99 !== null && !Number.isFinite(v.latencyP99))
  )
    throw new Error(
      `${where} holds a result metastable cannot read: ${JSON.stringify(value)?.slice(0, 200)}`,
    );
  return {
    seed: v.seed as number,
    verdict: v.verdict as TrialResult["verdict"],
    stuck: v.stuck,
    goodputRatio,
    timeToRecover,
    healthyAtEnd: v.healthyAtEnd,
    healthySince: v.healthySince as number | null,
    // Finite or null, so JSON keeps it as it is.
    ...(v.latencyP99 !== undefined && { latencyP99: v.latencyP99 as number | null }),
  };
}
