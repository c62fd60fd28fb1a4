import { describe, expect, it } from "vitest";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, judgeCatalog } from "./catalog-harness.js";

// A circuit breaker that closes too early against one that stays open long enough for the
// backend's queue to drain (seed 000).

/** Times the breaker opened, and the queue each time it closed. */
function breakerHistory(output: RunOutput): { opens: number; queueAtClose: number[] } {
  const { probeTimes, gauges } = output.series;
  const state = gauges["client.breakerOpen"]!;
  const queue = gauges["server.queueLength"]!;
  let opens = 0;
  const queueAtClose: number[] = [];
  probeTimes.forEach((_, i) => {
    if (i === 0 || state[i] === state[i - 1]) return;
    if (state[i] === 1) opens++;
    if (state[i] === 0) queueAtClose.push(queue[i]!);
  });
  return { opens, queueAtClose };
}

describe("circuit breaker: closes too early vs stays open long enough (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    it("closed on a 2 s timer, it re-floods the backlog again and again and the storm holds", () => {
      const { output, verdict } = judgeCatalog("retry-storm-breaker-closes-early.yaml", seed);
      expect(verdict.kind).toBe("metastable");
      const { opens, queueAtClose } = breakerHistory(output);
      expect(opens).toBeGreaterThanOrEqual(5);
      // Every close lands on a backlog longer than the 0.5 s timeout (5 calls of 0.1 s).
      expect(Math.min(...queueAtClose)).toBeGreaterThan(20);
      expect(gaugeMean(output, "server.queueLength", 40, 100)).toBeGreaterThan(100);
      expect(goodputWindow(output, 40, 100).ratio).toBeLessThan(0.1);
    });

    it("held open 15 s, it closes once onto an empty queue and the system recovers", () => {
      const { output, verdict } = judgeCatalog("retry-storm-breaker.yaml", seed);
      expect(verdict.kind).toBe("recovered");
      const { opens, queueAtClose } = breakerHistory(output);
      expect(opens).toBe(1);
      expect(queueAtClose).toEqual([0]);
      expect(goodputWindow(output, 40, 100).ratio).toBeGreaterThan(0.95);
    });
  });
});
