import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, runCatalog } from "./catalog-harness.js";

// Not a metastable failure: the outage lasts exactly as long as a bad file is loaded. What is
// checked is the oscillation during the partial rollout, regeneration period by regeneration
// period, against the last-known-good consumer under the same rollout, and recovery after it.
const PERIOD = 300;
// A request in flight when the file changes may finish in the next period; skip that edge.
const EDGE = 10;

/** Goodput ratio of each regeneration period that starts inside the rollout. */
function periodRatios(output: RunOutput): number[] {
  const rollout = output.result.triggers[0]!;
  const first = Math.ceil(rollout.start / PERIOD) * PERIOD;
  const ratios: number[] = [];
  for (let t = first; t < rollout.end; t += PERIOD) {
    ratios.push(goodputWindow(output, t + EDGE, t + PERIOD).ratio);
  }
  return ratios;
}

describe("config oscillation (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let failClosed: RunOutput;
    let lastGood: RunOutput;
    beforeAll(() => {
      failClosed = runCatalog("config-oscillation.yaml", seed);
      lastGood = runCatalog("config-oscillation-last-known-good.yaml", seed);
    });

    it("is healthy before the rollout", () => {
      const start = failClosed.result.triggers[0]!.start;
      expect(goodputWindow(failClosed, 0, start).ratio).toBeGreaterThan(0.95);
    });

    it("fail-closed: the service flips between up and down with the file during the rollout", () => {
      const ratios = periodRatios(failClosed);
      expect(ratios.length).toBe(12);
      // Each period is all or nothing: the file decides, not load.
      for (const r of ratios) expect(r < 0.05 || r > 0.95).toBe(true);
      const down = ratios.filter((r) => r < 0.05).length;
      expect(down).toBeGreaterThanOrEqual(3);
      expect(ratios.length - down).toBeGreaterThanOrEqual(3);
      const flips = ratios.slice(1).filter((r, i) => r < 0.05 !== ratios[i]! < 0.05).length;
      // Down and back up, at least once each, while the trigger holds.
      expect(flips).toBeGreaterThanOrEqual(2);
      const rollout = failClosed.result.triggers[0]!;
      expect(goodputWindow(failClosed, rollout.start, rollout.end).ratio).toBeLessThan(0.8);
    });

    it("last-known-good: stays up through the same rollout", () => {
      expect(lastGood.result.triggers).toEqual(failClosed.result.triggers);
      for (const r of periodRatios(lastGood)) expect(r).toBeGreaterThan(0.95);
      const proxy = lastGood.result.componentStats.proxy!;
      expect(proxy.keptLastGood).toBe(failClosed.result.componentStats.proxy!.badFiles);
      // Every upgraded file (210 rows from the usual 60, a second schema) fails all three checks.
      expect(proxy.keptLastGood).toBeGreaterThan(0);
      expect(proxy.overLimit).toBe(proxy.keptLastGood);
      expect(proxy.wrongSchema).toBe(proxy.keptLastGood);
      expect(proxy.sizeJumps).toBe(proxy.keptLastGood);
    });

    it("both serve again once the rollout state no longer produces bad files", () => {
      const end = failClosed.result.simulatedSeconds;
      const after = Math.ceil(failClosed.result.triggers[0]!.end / PERIOD) * PERIOD + EDGE;
      expect(goodputWindow(failClosed, after, end).ratio).toBeGreaterThan(0.95);
      expect(goodputWindow(lastGood, after, end).ratio).toBeGreaterThan(0.95);
    });
  });

  describe.each(CATALOG_SEEDS)("no good file ever loaded, seed %i", (seed) => {
    it("last-known-good has nothing to keep and fails every request until the first good file", () => {
      const none = runCatalog("config-no-good-file.yaml", seed);
      const proxy = none.result.componentStats.proxy!;
      // Files at 0, 300, ..., 1500 s are all bad; the one at 1800 s is the first good one.
      expect(proxy).toMatchObject({ badFiles: 6, noGoodFile: 6, keptLastGood: 0 });
      expect(goodputWindow(none, EDGE, 1800).ratio).toBeLessThan(0.01);
      expect(goodputWindow(none, 1800 + EDGE, none.result.simulatedSeconds).ratio).toBeGreaterThan(0.95);
    });

    it("failing open while it has no good file keeps the service up", () => {
      const open = runCatalog("config-no-good-file-fail-open.yaml", seed);
      expect(open.result.componentStats.proxy).toMatchObject({ badFiles: 6, noGoodFile: 6, failed: 0 });
      expect(goodputWindow(open, EDGE, open.result.simulatedSeconds).ratio).toBeGreaterThan(0.95);
    });
  });
});
