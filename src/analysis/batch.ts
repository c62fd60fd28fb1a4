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

/** What a caller can ask of a batch while it runs. */
export interface BatchOptions {
  /** Called once per finished trial, with its index in the batch, in whatever order trials finish. */
  onResult?: (index: number, result: TrialResult) => void;
  /** Stops the batch: trials not yet finished are dropped and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs a batch of trials and returns their results in request order. The CLI passes a runner
 * backed by worker threads; results must not depend on how the batch is split.
 */
export type BatchRunner = (trials: TrialRequest[], options?: BatchOptions) => Promise<TrialResult[]>;

/** Runs trials one after another in this thread. */
export function sequentialRunner(parsed: ParsedScenario): BatchRunner {
  return async (trials, options = {}) => {
    const results: TrialResult[] = [];
    for (const [i, t] of trials.entries()) {
      options.signal?.throwIfAborted();
      const result = runTrial(parsed, t.spec, t.seed, t.measureFrom);
      results.push(result);
      options.onResult?.(i, result);
    }
    return results;
  };
}
