import { runTrial, type TrialResult } from "../analysis/trial.js";
import { type ParsedScenario, parseScenarioText } from "../scenario/parse.js";
import type { ScenarioSpec } from "../scenario/schema.js";

// Piscina worker: runs one trial from plain data. The parsed scenario (whose error locator is a
// closure) cannot cross threads, so the worker re-parses the scenario text, once per text.

/** One trial as sent to a worker thread. */
export interface TrialJob {
  text: string;
  file: string;
  spec: ScenarioSpec;
  seed: number;
  measureFrom?: number;
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

/** Runs one trial. */
export default function runTrialJob(job: TrialJob): TrialReply {
  try {
    if (!cached || cached.text !== job.text || cached.file !== job.file)
      cached = { text: job.text, file: job.file, parsed: parseScenarioText(job.text, job.file) };
    return { result: runTrial(cached.parsed, job.spec, job.seed, job.measureFrom) };
  } catch (e) {
    const err = e as Error;
    return { error: { name: err?.name ?? "Error", message: err?.message ?? String(e) } };
  }
}
