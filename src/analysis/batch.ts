import type { ParsedScenario } from "../scenario/parse.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { runTrial, type TrialResult } from "./trial.js";

/** One run to do: a variant of the scenario and a seed. */
export interface TrialRequest {
  spec: ScenarioSpec;
  seed: number;
  /** Measure goodput from this time instead of the end of the triggers. */
  measureFrom?: number;
}

/**
 * Runs a batch of trials and returns their results in request order. The CLI passes a runner
 * backed by worker threads; results must not depend on how the batch is split.
 */
export type BatchRunner = (trials: TrialRequest[]) => Promise<TrialResult[]>;

/** Runs trials one after another in this thread. */
export function sequentialRunner(parsed: ParsedScenario): BatchRunner {
  return async (trials) => trials.map((t) => runTrial(parsed, t.spec, t.seed, t.measureFrom));
}
