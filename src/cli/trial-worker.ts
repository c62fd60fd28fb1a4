import { runTrial, type TrialResult } from "../analysis/trial.js";
import { type ParsedScenario, parseScenarioText } from "../scenario/parse.js";
import type { ScenarioSpec } from "../scenario/schema.js";

// Worker code: runs trials from plain data. The parsed scenario (whose error locator is a closure)
// cannot cross threads, so the worker re-parses the scenario text, once per text.

/** One trial as sent to a worker (a Redis job carries one of these). */
export interface TrialJob {
  text: string;
  file: string;
  spec: ScenarioSpec;
  seed: number;
  measureFrom?: number;
}

/**
 * Several trials of one scenario as one message to a worker thread: the text once, and each
 * distinct spec once (the replications of a map cell share theirs), so a message costs a fraction
 * of a trial instead of about as much as one.
 */
export interface TrialBatch {
  text: string;
  file: string;
  specs: ScenarioSpec[];
  /** `spec` indexes `specs`. */
  trials: { spec: number; seed: number; measureFrom?: number }[];
}

/** Errors, by name (class identity is lost across threads), that are the trial's input, not a bug: exit code 2, no retry. */
export const INPUT_ERRORS: ReadonlySet<string> = new Set([
  "ScenarioError",
  "BudgetExceededError",
  "ModelLimitError",
]);

/** A worker's answer: the result, or the error's kind and message (class identity is lost across threads). */
export type TrialReply = { result: TrialResult } | { error: { name: string; message: string } };

let cached: { text: string; file: string; parsed: ParsedScenario } | null = null;

function parsedOf(text: string, file: string): ParsedScenario {
  if (!cached || cached.text !== text || cached.file !== file)
    cached = { text, file, parsed: parseScenarioText(text, file) };
  return cached.parsed;
}

function reply(run: () => TrialResult): TrialReply {
  try {
    return { result: run() };
  } catch (e) {
    const err = e as Error;
    return { error: { name: err?.name ?? "Error", message: err?.message ?? String(e) } };
  }
}

/** Runs one trial. */
export default function runTrialJob(job: TrialJob): TrialReply {
  return reply(() => runTrial(parsedOf(job.text, job.file), job.spec, job.seed, job.measureFrom));
}

/** Runs a batch of trials in order; one reply per trial (a failed trial does not stop the others). */
export function runTrialBatch(batch: TrialBatch): TrialReply[] {
  return batch.trials.map((t) =>
    reply(() => runTrial(parsedOf(batch.text, batch.file), batch.specs[t.spec]!, t.seed, t.measureFrom)),
  );
}
