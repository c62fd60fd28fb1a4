import type { AnalysedResult } from "../../src/analysis/analyse-run.js";
import type { TrialResult } from "../../src/analysis/trial.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import type { ScenarioSpec } from "../../src/scenario/schema.js";

/** One trial for a trial worker: a variant of the scenario in `text` and a seed. */
export interface TrialJob {
  id: number;
  text: string;
  file: string;
  spec: ScenarioSpec;
  seed: number;
  measureFrom?: number;
  /** Also return the run's output (for charts), not just its TrialResult. */
  full: boolean;
}

/** A trial worker's answer. */
export type TrialReply =
  | { id: number; result: TrialResult; output: (RunOutput & { result: AnalysedResult }) | null }
  | { id: number; error: string };
