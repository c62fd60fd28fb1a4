import { describe, expect, it } from "vitest";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, runCatalog } from "./catalog-harness.js";

// Controlled recovery and re-entry (seed 000): each intervention that fails beside the one that works.

/** Retries per second over [from, to). */
function retryRate(output: RunOutput, from: number, to: number): number {
  const { windowStarts, retries, window } = output.series;
  let n = 0;
  windowStarts.forEach((t, i) => {
    if (t >= from && t < to) n += retries[i]!;
  });
  return n / ((to - from) / window);
}

/** Last probed value of `key` before `t`. */
function gaugeAt(output: RunOutput, key: string, t: number): number {
  const { probeTimes, gauges } = output.series;
  let value = Number.NaN;
  probeTimes.forEach((p, i) => {
    if (p < t) value = gauges[key]![i]!;
  });
  return value;
}

describe("controlled recovery and re-entry (catalog)", () => {
  describe.each(CATALOG_SEEDS)(
    "seed %i",
    (seed) => {
      it("a load cut shorter than the backlog falls back; one that outlasts it recovers", () => {
        const short = runCatalog("retry-storm-load-cut-too-short.yaml", seed);
        const long = runCatalog("retry-storm-load-cut.yaml", seed);
        // 75-89 s of work queued when the cut begins (seeds 1-10); 47-60 s of it left when a 30 s cut ends.
        expect(gaugeAt(short, "server.queueLength", 40)).toBeGreaterThan(700);
        expect(gaugeAt(short, "server.queueLength", 70)).toBeGreaterThan(400);
        expect(goodputWindow(short, 80, 200).ratio).toBeLessThan(0.05);
        expect(retryRate(short, 100, 200)).toBeGreaterThan(10);
        // Held for 100 s the queue is empty before the load returns, and stays healthy.
        expect(gaugeAt(long, "server.queueLength", 140)).toBe(0);
        expect(goodputWindow(long, 145, 200).ratio).toBeGreaterThan(0.95);
        expect(retryRate(long, 145, 200)).toBeLessThan(0.5);
      });

      it("a restart alone is re-entered by the fleet's synchronised retries; restart plus a rate limit recovers", () => {
        const restart = runCatalog("lease-renewal-storm-restart-only.yaml", seed);
        expect(gaugeAt(restart, "lease-store.queueLength", 241)).toBeLessThan(200);
        expect(gaugeAt(restart, "lease-store.queueLength", 246)).toBeGreaterThan(1000);
        expect(goodputWindow(restart, 300, restart.result.simulatedSeconds).ratio).toBeLessThan(0.05);
        expect(gaugeMean(restart, "dwfm.hostsWithLease", 300, 480)).toBeLessThan(5);
        const throttled = runCatalog("lease-renewal-storm-throttled.yaml", seed);
        expect(gaugeMean(throttled, "dwfm.hostsWithLease", 360, 480)).toBeGreaterThan(495);
      });

      it("a warm-up ramp over 5 s is too fast: the misses keep the database swamped; over 20 s it recovers", () => {
        const fast = runCatalog("cache-flush-warmup-fast-ramp.yaml", seed);
        const slow = runCatalog("cache-flush-warmup.yaml", seed);
        // Hits are served, nearly every miss fails: goodput stuck near the hit rate, retries running.
        const stuck = goodputWindow(fast, 45, 70).ratio;
        expect(stuck).toBeGreaterThan(0.85);
        expect(stuck).toBeLessThan(0.96);
        expect(retryRate(fast, 45, 70)).toBeGreaterThan(200);
        expect(goodputWindow(slow, 55, 70).ratio).toBeGreaterThan(0.98);
        expect(retryRate(slow, 55, 70)).toBeLessThan(20);
      });

      it("a hard rate limit on attempts does not grow under retry pressure, and the storm never starts", () => {
        const limited = runCatalog("retry-storm-rate-limit.yaml", seed);
        const client = limited.result.componentStats.client!;
        // The spike's 200 requests meet 8 tokens a second plus one second's burst: over 100 refused.
        expect(client.rateLimited).toBeGreaterThan(100);
        // About 3 req/s for 90 s plus at most 88 in the spike: no retry storm (the unlimited run
        // sends five attempts per request once stuck).
        expect(client.attempts).toBeLessThan(400);
        expect(client.retries).toBeLessThan(40);
        expect(Math.max(...limited.series.gauges["server.queueLength"]!)).toBeLessThan(10);
        expect(goodputWindow(limited, 35, 100).ratio).toBeGreaterThan(0.97);
      });
    },
    120_000,
  );
});
