import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, lateGoodputRatio, runCatalog } from "./catalog-harness.js";

// Judged from 30 s after the last trigger ended to the end of the run.
const SETTLE = 30;

describe("reconnect storm (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    beforeAll(() => {
      stuck = runCatalog("reconnect-storm.yaml", seed);
      from = lastTriggerEnd(stuck) + SETTLE;
    });

    it("is healthy before the slowdown", () => {
      expect(goodputWindow(stuck, 0, stuck.result.triggers[0]!.start).ratio).toBeGreaterThan(0.95);
    });

    it("stays down after a 10 s slowdown: handshakes keep the database saturated", () => {
      expect(lateGoodputRatio(stuck, from)).toBeLessThan(0.05);
      const pool = stuck.result.componentStats["db-pool"]!;
      // Most of the database's work is handshakes, nearly all of them abandoned.
      expect(pool.handshakes!).toBeGreaterThan(pool.dispatched!);
      expect(pool.connectFailures! / pool.handshakes!).toBeGreaterThan(0.9);
    });

    it("recovers when connections stay open through timeouts", () => {
      const keep = runCatalog("reconnect-storm-fixed.yaml", seed);
      expect(keep.result.triggers).toEqual(stuck.result.triggers);
      expect(lateGoodputRatio(keep, from)).toBeGreaterThan(0.95);
      expect(keep.result.componentStats["db-pool"]!.handshakes).toBe(0);
    });
  });
});

describe("link imbalance (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let mru: RunOutput;
    let lru: RunOutput;
    let from: number;
    let end: number;
    beforeAll(() => {
      mru = runCatalog("link-imbalance.yaml", seed);
      lru = runCatalog("link-imbalance-lru.yaml", seed);
      from = lastTriggerEnd(mru) + SETTLE;
      end = mru.result.simulatedSeconds;
    });

    it("is healthy before the trigger, with either selection", () => {
      const start = mru.result.triggers[0]!.start;
      expect(goodputWindow(mru, 0, start).ratio).toBeGreaterThan(0.95);
      expect(goodputWindow(lru, 0, start).ratio).toBeGreaterThan(0.95);
    });

    it("with MRU stays imbalanced and loses most of its goodput long after the trigger", () => {
      expect(lateGoodputRatio(mru, from)).toBeLessThan(0.5);
      // The congested link keeps more connections busy than all the others together.
      const busy = ["a", "b", "c", "d"].map((l) => gaugeMean(mru, `db-pool.busy.link-${l}`, from, end));
      expect(busy[0]!).toBeGreaterThan(busy[1]! + busy[2]! + busy[3]!);
    });

    it("with LRU spreads the load again and recovers under the same trigger", () => {
      expect(lru.result.triggers).toEqual(mru.result.triggers);
      expect(goodputWindow(lru, from, end).offered).toBe(goodputWindow(mru, from, end).offered);
      expect(lateGoodputRatio(lru, from)).toBeGreaterThan(0.95);
    });
  });
});

// Seed 000: pool exhaustion that server-side connection recycling frees.
describe("connection pinning (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    it("connections that failed over stay pinned; recycled ones come back to the recovered server", () => {
      const pinned = runCatalog("connection-pinning.yaml", seed);
      const recycled = runCatalog("connection-pinning-recycling.yaml", seed);
      for (const run of [pinned, recycled]) {
        expect(lastTriggerEnd(run)).toBe(80);
        expect(goodputWindow(run, 10, 60).ratio).toBeGreaterThan(0.98);
      }
      // Long after a is back it holds none of the 32 connections, and the pool serves almost nothing.
      expect(gaugeMean(pinned, "pool.connections.a", 150, 240)).toBe(0);
      expect(gaugeMean(pinned, "pool.waiting", 150, 240)).toBeGreaterThan(50);
      expect(lateGoodputRatio(pinned, 120)).toBeLessThan(0.2);
      // Recycled every ~20 s, the connections spread out again and the pool is healthy.
      expect(gaugeMean(recycled, "pool.connections.a", 150, 240)).toBeGreaterThan(6);
      expect(lateGoodputRatio(recycled, 100)).toBeGreaterThan(0.98);
      expect(recycled.result.componentStats.pool!.recycled!).toBeGreaterThan(200);
    }, 30_000);
  });
});
