import type { ProfileSpec } from "../model/load/profile.js";
import { resolveSettings } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import type { RunOutput, RunResult } from "../scenario/run-result.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import type { CharacteristicMetric } from "./characteristics.js";
import { healthRule, type WindowHealth } from "./health.js";
import { baseRate } from "./scale-load.js";
import { judge, type Verdict, type VerdictOptions } from "./verdict.js";

/** A characteristic metric as reported in JSON (its series lives in the CSV output). */
export type CharacteristicSummary = Omit<CharacteristicMetric, "values">;

/** The run's result with its verdict and characteristic metrics: what `run --json` prints. */
export interface AnalysedResult extends RunResult {
  verdict: Omit<Verdict, "goodputRatio">;
  characteristicMetrics: CharacteristicSummary[];
}

/**
 * The scenario with every trigger removed: no scheduled triggers, and each source's profile held
 * at or below its own base load (its rate at t = 0), so a step or spike written into the profile
 * is removed too. Interventions stay.
 */
export function controlSpec(spec: ScenarioSpec): ScenarioSpec {
  const sources = (spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>;
  return {
    ...spec,
    triggers: [],
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, s]) => [
        name,
        { ...s, profile: { kind: "capped", of: s.profile, max: baseRate({ sources: { x: s } } as never) } },
      ]),
    ),
  };
}

/**
 * Judges a run. When it shows any trouble and the scenario has triggers (scheduled, or load above
 * its base level), the same scenario and seed are run once more without them (common random
 * numbers): if that control run cannot sustain the load at its end either, the load alone is the
 * problem and the verdict is `unstable`, not `metastable`.
 */
export function analyseRun(
  parsed: ParsedScenario,
  output: RunOutput,
  options: VerdictOptions = {},
  runOptions: { maxEvents?: number; maxWallSeconds?: number; latencyObjective?: number } = {},
): { result: AnalysedResult; verdict: Verdict; metrics: CharacteristicMetric[]; health: WindowHealth[] } {
  const settings = resolveSettings(parsed);
  const opts: VerdictOptions = { ...options, health: options.health ?? healthRule(settings.health) };
  // The control run (same seed, common random numbers) is run only if the verdict needs it.
  const judged = judge(output, opts, () =>
    runScenario(
      { ...parsed, spec: controlSpec(parsed.spec) },
      // It is only judged on the health rule, never shown: it records what that rule reads.
      { seed: output.result.seed, ...runOptions, detail: "health" },
    ),
  );
  const { goodputRatio: _series, ...verdict } = judged.verdict;
  return {
    result: {
      ...output.result,
      verdict,
      characteristicMetrics: judged.metrics.map(({ values: _values, ...m }) => m),
    },
    verdict: judged.verdict,
    metrics: judged.metrics,
    health: judged.health,
  };
}
