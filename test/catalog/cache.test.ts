import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, lateGoodputRatio, runCatalog } from "./catalog-harness.js";

// The flush is at 20 s; the warm-up's interventions end at 50 s; the load runs until 70 s.
const FLUSH = 20;
const LATE = 50;
const OFFERED = 3000;
// A run of 3000 req/s for 70 s takes about a second; leave room for a busy machine.
const SLOW = 20_000;

/** A "123.4 req/s" setting of a component as a number. */
function rateSetting(output: RunOutput, component: string, setting: string): number {
  const text = output.result.components.find((c) => c.name === component)!.settings[setting]!;
  return Number.parseFloat(text);
}

describe("look-aside cache flush (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let base: RunOutput;
    beforeAll(() => {
      base = runCatalog("cache-flush.yaml", seed);
    }, SLOW);

    it("healthy with the cache, stuck long after the flush", () => {
      expect(lastTriggerEnd(base)).toBe(FLUSH);
      expect(goodputWindow(base, 5, FLUSH).ratio).toBeGreaterThan(0.98);
      expect(gaugeMean(base, "cache.hitRate", 5, FLUSH)).toBeGreaterThan(0.88);
      // Thirty seconds after the flush the cache is still nearly empty and goodput still low.
      expect(lateGoodputRatio(base, LATE)).toBeLessThan(0.4);
      expect(goodputWindow(base, FLUSH + 5, LATE).ratio).toBeLessThan(0.4);
      expect(gaugeMean(base, "cache.hitRate", LATE, 70)).toBeLessThan(0.2);
      expect(gaugeMean(base, "db.inFlight", LATE, 70)).toBeGreaterThan(590);
    });

    it("offers 3000 req/s: under the advertised capacity with the cache, far over the hidden one", () => {
      const advertised = base.result.capacityPerSec;
      const hidden = rateSetting(base, "cache", "hiddenCapacity");
      expect(rateSetting(base, "cache", "advertisedCapacity")).toBeCloseTo(advertised, 0);
      expect(advertised).toBeGreaterThan(1.15 * OFFERED);
      expect(hidden).toBeGreaterThan(300);
      expect(hidden).toBeLessThan(OFFERED / 8);
    });

    it.each([
      ["warm-up and a load ramp", "cache-flush-warmup.yaml"],
      ["request coalescing", "cache-flush-coalescing.yaml"],
      ["load shedding at the database", "cache-flush-shedding.yaml"],
    ])(
      "recovers with %s under the same flush",
      (_, file) => {
        const variant = runCatalog(file, seed);
        expect(lastTriggerEnd(variant)).toBe(FLUSH);
        expect(goodputWindow(variant, 5, FLUSH).ratio).toBeGreaterThan(0.98);
        expect(lateGoodputRatio(variant, LATE)).toBeGreaterThan(0.97);
        expect(gaugeMean(variant, "cache.hitRate", LATE, 70)).toBeGreaterThan(0.88);
      },
      SLOW,
    );
  });
});

// Seed 001's warning: better eviction lets the database shrink, and the same flush then sticks.
describe("better eviction and a smaller database (catalog)", () => {
  const AT = 30;
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    it(
      "TinyLFU sends the database a third fewer misses; sized down to match, it never recovers from the flush",
      () => {
        const lru = runCatalog("cache-better-eviction-lru.yaml", seed);
        const tiny = runCatalog("cache-better-eviction.yaml", seed);
        for (const run of [lru, tiny]) {
          expect(lastTriggerEnd(run)).toBe(AT);
          expect(goodputWindow(run, 5, AT).ratio).toBeGreaterThan(0.99);
        }
        // Hit rates before the flush, once TinyLFU's counts have settled: 91.0% and 93.9% in theory.
        expect(gaugeMean(lru, "cache.hitRate", 20, AT)).toBeCloseTo(0.91, 1);
        expect(gaugeMean(tiny, "cache.hitRate", 20, AT)).toBeGreaterThan(0.93);
        // The same flush: the LRU system is whole again; the shrunk one is stuck with a full database.
        expect(lateGoodputRatio(lru, 60)).toBeGreaterThan(0.99);
        expect(lateGoodputRatio(tiny, 60)).toBeLessThan(0.8);
        expect(gaugeMean(tiny, "cache.size", 60, 90)).toBeLessThan(150);
        expect(gaugeMean(tiny, "db.inFlight", 60, 90)).toBeGreaterThan(590);
      },
      2 * SLOW,
    );
  });
});
