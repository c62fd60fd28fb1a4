import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import type { RunOutput, RunResult } from "../scenario/run-result.js";
import type { CharacteristicMetric } from "./characteristics.js";
import { judge, type Verdict, type VerdictOptions } from "./verdict.js";

/** A characteristic metric as reported in JSON (its series lives in the CSV output). */
export type CharacteristicSummary = Omit<CharacteristicMetric, "values">;

/** The run's result with its verdict and characteristic metrics: what `run --json` prints. */
export interface AnalysedResult extends RunResult {
  verdict: Omit<Verdict, "goodputRatio">;
  characteristicMetrics: CharacteristicSummary[];
}

/**
 * Judges a run. When it degraded and the scenario schedules triggers, the same scenario and seed
 * are run once more without them (common random numbers): if that control run degrades too, the
 * load alone is the problem and the verdict is `unstable`, not `metastable`.
 */
export function analyseRun(
  parsed: ParsedScenario,
  output: RunOutput,
  options: VerdictOptions = {},
  runOptions: { maxEvents?: number; maxWallSeconds?: number } = {},
): { result: AnalysedResult; verdict: Verdict; metrics: CharacteristicMetric[] } {
  let judged = judge(output, options);
  if (
    judged.verdict.kind !== "stable" &&
    judged.verdict.kind !== "unstable" &&
    output.result.triggers.length > 0
  ) {
    const withoutTriggers: ParsedScenario = { ...parsed, spec: { ...parsed.spec, triggers: [] } };
    const control = runScenario(withoutTriggers, { seed: output.result.seed, ...runOptions });
    judged = judge(output, options, control);
  }
  const { goodputRatio: _series, ...verdict } = judged.verdict;
  return {
    result: {
      ...output.result,
      verdict,
      characteristicMetrics: judged.metrics.map(({ values: _values, ...m }) => m),
    },
    verdict: judged.verdict,
    metrics: judged.metrics,
  };
}
