import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { Verdict } from "../../src/analysis/verdict.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, judgeCatalog } from "./catalog-harness.js";

// multi-tier-retry-storm and its fixes: users -> api -> web -> pool -> db, each caller trying 3
// times; 20 req/s, a 150 req/s spike at 20-25 s, 20 req/s until 100 s; the database does 100/s.
const BEFORE = [5, 20] as const;
const AFTER = [40, 100] as const;

const ratio = (output: RunOutput, [from, to]: readonly [number, number]) =>
  goodputWindow(output, from, to).ratio;

/** Queries the pool received per external request, over the whole run. */
const bottomPerRequest = (output: RunOutput) =>
  output.result.componentStats["db-pool"]!.received! / output.result.totals.requests;

describe("multi-tier retry storm (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let storm: { output: RunOutput; verdict: Verdict; control: () => RunOutput };
    beforeAll(() => {
      storm = judgeCatalog("multi-tier-retry-storm.yaml", seed);
    });

    it("healthy at 20 req/s, tipped by the spike, stuck after it: metastable", () => {
      expect(ratio(storm.output, BEFORE)).toBeGreaterThan(0.95);
      expect(ratio(storm.output, AFTER)).toBeLessThan(0.05);
      expect(storm.verdict.kind).toBe("metastable");
      expect(ratio(storm.control(), AFTER)).toBeGreaterThan(0.95);
    });

    it("stuck, the database gets the product of the attempts: 3 x 3 x 3 = 27 queries per request", () => {
      // Fluid estimate by hand: once every attempt fails, each layer multiplies what reaches the
      // next by its attempts, so the bottom rate is 20 x 27 = 540 queries/s. Over the whole run
      // the healthy 20 s (1 query per request) and the spike's own backlog pull the mean off 27;
      // the steady stuck stretch is checked in test/validation/multi-tier.test.ts.
      const api = storm.output.result.componentStats.api!;
      const web = storm.output.result.componentStats.web!;
      expect(api["api->web.attempts"]! / api["api->web.requests"]!).toBeGreaterThan(2.8);
      expect(web["web->db-pool.attempts"]! / web["web->db-pool.requests"]!).toBeGreaterThan(2.8);
      expect(bottomPerRequest(storm.output)).toBeGreaterThan(20);
    });

    it.each([
      "multi-tier-retry-storm-one-layer.yaml",
      "multi-tier-retry-storm-budgets.yaml",
      "multi-tier-retry-storm-deadlines.yaml",
    ])("%s recovers after the same spike", (file) => {
      const deadlines = file.includes("deadlines");
      const fixed = judgeCatalog(file, seed);
      expect(goodputWindow(fixed.output, ...AFTER).offered).toBe(
        goodputWindow(storm.output, ...AFTER).offered,
      );
      expect(ratio(fixed.output, BEFORE)).toBeGreaterThan(0.95);
      expect(ratio(fixed.output, [70, 100])).toBeGreaterThan(0.95);
      expect(fixed.verdict.kind).toBe("recovered");
      const db = fixed.output.result.componentStats.db!;
      if (deadlines) {
        // Retries still stack while the spike lasts; the database skips the dead queries instead.
        expect(bottomPerRequest(fixed.output)).toBeGreaterThan(4);
        expect(db.expired).toBeGreaterThan(db.served! / 10);
      } else {
        // One layer: at most 3 queries per request; budgets: about 1.1 per layer.
        expect(bottomPerRequest(fixed.output)).toBeLessThan(file.includes("budgets") ? 1.5 : 3);
        expect(db.expired).toBe(0);
      }
    });
  });
});
