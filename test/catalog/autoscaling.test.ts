import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, lateGoodputRatio, runCatalog, runCatalogWithoutTriggers } from "./catalog-harness.js";

// Measured from 30 s after the spike ends to the end of the load period.
const SETTLE = 30;
const FILE = "autoscaling-lag.yaml";

/** autoscaling-lag with its autoscaler changed by `edit` (the same seed, load and spike). */
function runEdited(seed: number, edit: (scaler: Record<string, unknown>) => void): RunOutput {
  const path = join(import.meta.dirname, "..", "..", "scenarios", FILE);
  const parsed = parseScenarioText(readFileSync(path, "utf8"), path);
  edit((parsed.spec.autoscalers as Record<string, Record<string, unknown>>).scaler!);
  return runScenario(parsed, { seed });
}

/** Last value of a probed gauge before `t`. */
function gaugeAt(output: RunOutput, key: string, t: number): number {
  const { probeTimes, gauges } = output.series;
  let value = Number.NaN;
  probeTimes.forEach((p, i) => {
    if (p < t) value = gauges[key]![i]!;
  });
  return value;
}

describe("autoscaling with lag (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    let end: number;
    beforeAll(() => {
      stuck = runCatalog(FILE, seed);
      from = lastTriggerEnd(stuck) + SETTLE;
      end = stuck.result.drain!.start;
    });

    it("is healthy before the spike, and for the whole run without it", () => {
      expect(goodputWindow(stuck, 2, stuck.result.triggers[0]!.start).ratio).toBeGreaterThan(0.95);
      expect(goodputWindow(runCatalogWithoutTriggers(FILE, seed), 2, end).ratio).toBeGreaterThan(0.95);
    });

    it("stays down: every instance the autoscaler adds fails to start, and retries hold the load", () => {
      expect(lateGoodputRatio(stuck, from)).toBeLessThan(0.05);
      const stats = stuck.result.componentStats.scaler!;
      expect(stats.failedStarts).toBeGreaterThanOrEqual(8);
      expect(stats.scaleOuts! - stats.failedStarts!).toBeLessThanOrEqual(1);
      expect(gaugeAt(stuck, "scaler.instances", end)).toBeLessThanOrEqual(4);
      // Retries keep the attempts near three per request: twice what three servers can serve.
      const late = stuck.series.windowStarts.flatMap((t, i) => (t >= from && t < end ? [i] : []));
      const attempts = late.reduce((n, i) => n + stuck.series.offered[i]! + stuck.series.retries[i]!, 0);
      const offered = late.reduce((n, i) => n + stuck.series.offered[i]!, 0);
      expect(attempts / offered).toBeGreaterThan(2.5);
    });

    it("the failed starts keep it down: instances that survive a cold start bring it back", () => {
      const surviving = runEdited(seed, (scaler) => {
        scaler.coldStart = { duration: 30, slowdown: 2 };
      });
      expect(surviving.result.componentStats.scaler!.failedStarts).toBe(0);
      // Back in the last minute of load, two to three minutes after the spike.
      expect(goodputWindow(surviving, end - 60, end).ratio).toBeGreaterThan(0.9);
      // And not because the load fell: without any scaling the retries hold it down too.
      const capped = runEdited(seed, (scaler) => {
        scaler.maxInstances = 3;
      });
      expect(goodputWindow(capped, end - 60, end).ratio).toBeLessThan(0.05);
    });

    it("warm instances with little lag recover under the same spike and load", () => {
      const fixed = runCatalog("autoscaling-lag-fixed.yaml", seed);
      expect(fixed.result.triggers).toEqual(stuck.result.triggers);
      expect(goodputWindow(fixed, from, end).offered).toBe(goodputWindow(stuck, from, end).offered);
      expect(lateGoodputRatio(fixed, from)).toBeGreaterThan(0.95);
      // Through the spike too, not only after it.
      expect(goodputWindow(fixed, stuck.result.triggers[0]!.start, end).ratio).toBeGreaterThan(0.95);
    });
  });
});
