import type { AnalysedResult } from "../../src/analysis/analyse-run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import type { ScenarioIssue } from "../../src/scenario/scenario-error.js";

/** Simulated seconds per wall-clock second; null runs as fast as the machine can. */
export type Speed = number | null;

/** Messages from the page to the simulation worker. */
export type ToWorker =
  | { type: "run"; id: number; text: string; file: string; speed: Speed; paused: boolean }
  | { type: "pause" }
  | { type: "resume" }
  /** Advance one rate window (usually 1 s) of simulated time, paused or not. */
  | { type: "step" }
  | { type: "speed"; speed: Speed };

/** A characteristic metric's series so far, as charts draw it. */
export interface LiveMetric {
  name: string;
  unit: string;
  values: (number | null)[];
  envelope: [number, number] | null;
}

/** What the run looks like so far: enough to say "healthy" or "degraded since" before the verdict. */
export interface Provisional {
  /** Goodput / offered over the last 10 s (null while too few requests to tell). */
  ratio: number | null;
  /** When goodput first fell below 70% of offered load (null: not yet). */
  degradedAt: number | null;
}

/** Messages from the worker to the page. */
export type FromWorker =
  | {
      type: "progress";
      id: number;
      now: number;
      end: number;
      events: number;
      paused: boolean;
      output: RunOutput;
      metrics: LiveMetric[] | null;
      provisional: Provisional;
    }
  | { type: "done"; id: number; output: RunOutput; result: AnalysedResult; metrics: LiveMetric[] }
  | { type: "error"; id: number; message: string; issues: ScenarioIssue[] | null };
