import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyseRun, controlSpec } from "../../src/analysis/analyse-run.js";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { Verdict } from "../../src/analysis/verdict.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";

/** Seeds every catalog outcome is checked on. */
export const CATALOG_SEEDS = [1, 2, 3, 4, 5];

/** Runs `scenarios/<file>` with `seed`. */
export function runCatalog(file: string, seed: number): RunOutput {
  const path = join(import.meta.dirname, "..", "..", "scenarios", file);
  return runScenario(parseScenarioText(readFileSync(path, "utf8"), path), { seed });
}

/** Runs `scenarios/<file>` with `seed` and its scheduled triggers removed: the control run. */
export function runCatalogWithoutTriggers(file: string, seed: number): RunOutput {
  const path = join(import.meta.dirname, "..", "..", "scenarios", file);
  const parsed = parseScenarioText(readFileSync(path, "utf8"), path);
  parsed.spec.triggers = [];
  return runScenario(parsed, { seed });
}

/**
 * Runs `scenarios/<file>` with `seed` and judges it as `metastable run` does (with the verdict's
 * control run where the verdict needs one); `control` is that control run: scheduled triggers
 * dropped and the load profile held at its base.
 */
export function judgeCatalog(
  file: string,
  seed: number,
): { output: RunOutput; verdict: Verdict; control: () => RunOutput } {
  const path = join(import.meta.dirname, "..", "..", "scenarios", file);
  const parsed = parseScenarioText(readFileSync(path, "utf8"), path);
  const output = runScenario(parsed, { seed });
  return {
    output,
    verdict: analyseRun(parsed, output).verdict,
    control: () => runScenario({ ...parsed, spec: controlSpec(parsed.spec) }, { seed }),
  };
}

/** Mean of a probed gauge over [from, to), skipping probes where it is undefined (a hit rate with no lookups). */
export function gaugeMean(output: RunOutput, key: string, from: number, to: number): number {
  const { probeTimes, gauges } = output.series;
  const values = gauges[key]!;
  let sum = 0;
  let n = 0;
  probeTimes.forEach((t, i) => {
    if (t >= from && t < to && Number.isFinite(values[i])) {
      sum += values[i]!;
      n++;
    }
  });
  return sum / n;
}

/**
 * Goodput / offered load over the last `settle`-free stretch of the load period: from `from`
 * seconds to the end of the sources' duration. A stuck system stays far below 1 there; a
 * recovered one comes back close to 1.
 */
export function lateGoodputRatio(output: RunOutput, from: number): number {
  const duration = output.result.drain ? output.result.drain.start : output.result.simulatedSeconds;
  return goodputWindow(output, from, duration).ratio;
}
