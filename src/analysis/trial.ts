import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import type { RunOutput } from "../scenario/run-result.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { analyseRun } from "./analyse-run.js";
import { goodputWindow } from "./goodput.js";
import type { WindowHealth } from "./health.js";
import type { VerdictOptions } from "./verdict.js";

/** One run of a scenario variant with one seed, reduced to what analyses compare. */
export interface TrialResult {
  seed: number;
  verdict: "stable" | "recovered" | "metastable" | "unstable";
  /** Metastable or unstable. */
  stuck: boolean;
  /** Goodput / offered load from the end of the last trigger (or `measureFrom`) to the end of the load period. */
  goodputRatio: number;
  /** Seconds from the end of the triggers to recovery (0 when never degraded; null when it did not recover). */
  timeToRecover: number | null;
  /** The health rule held over the final stretch of the load period. */
  healthyAtEnd: boolean;
  /** Start of the final run of healthy stretches that lasts to the end of the load period (null: unhealthy at the end). */
  healthySince: number | null;
  /** 99th-percentile end-to-end latency (s) of the requests completed over the run; null if none completed. */
  latencyP99?: number | null;
}

/** Runs `spec` (a variant of `parsed`) with `seed` and judges it. */
export function runTrial(
  parsed: ParsedScenario,
  spec: ScenarioSpec,
  seed: number,
  measureFrom?: number,
  options: VerdictOptions = {},
): TrialResult {
  const variant: ParsedScenario = { ...parsed, spec };
  // A trial is judged, never drawn: record only what the verdict reads (the same verdict as a full run's).
  const output = runScenario(variant, { seed, detail: "verdict" });
  return summariseTrial(variant, output, measureFrom, options);
}

/** Reduces a finished run to a TrialResult. */
export function summariseTrial(
  parsed: ParsedScenario,
  output: RunOutput,
  measureFrom?: number,
  options: VerdictOptions = {},
): TrialResult {
  const { verdict, health } = analyseRun(parsed, output, options);
  const loadEnd = output.result.drain ? output.result.drain.start : output.result.simulatedSeconds;
  const from = Math.min(measureFrom ?? verdict.triggersEnded ?? 0, loadEnd - output.series.window);
  return {
    seed: output.result.seed,
    verdict: verdict.kind,
    stuck: verdict.kind === "metastable" || verdict.kind === "unstable",
    goodputRatio: goodputWindow(output, from, loadEnd).ratio,
    timeToRecover:
      verdict.kind === "stable" ? 0 : verdict.kind === "recovered" ? verdict.timeToRecover : null,
    ...finalHealth(output, health, loadEnd),
    latencyP99: output.result.latency.p99,
  };
}

/** Whether the last judged stretch before `loadEnd` was healthy, and since when it has been. */
function finalHealth(
  output: RunOutput,
  health: WindowHealth[],
  loadEnd: number,
): { healthyAtEnd: boolean; healthySince: number | null } {
  const starts = output.series.windowStarts;
  const w = output.series.window;
  let k = starts.length - 1;
  while (k >= 0 && (starts[k]! >= loadEnd - 1e-9 || health[k]!.healthy === null)) k--;
  if (k < 0 || health[k]!.healthy !== true) return { healthyAtEnd: false, healthySince: null };
  while (k > 0 && health[k - 1]!.healthy !== false) k--;
  return { healthyAtEnd: true, healthySince: starts[k]! + w };
}

/** Seeds of replications 0..n-1: the scenario's seed, then consecutive ones, the same for every variant. */
export function replicationSeeds(baseSeed: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => baseSeed + i);
}
