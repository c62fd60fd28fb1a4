import { describe, expect, it } from "vitest";
import type { BatchRunner } from "../../src/analysis/batch.js";
import { findThresholds } from "../../src/analysis/threshold.js";
import type { TrialResult } from "../../src/analysis/trial.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

// A stand-in for a cache over a database (cache-flush's shape, 3000 req/s base load): the trigger
// leaves it stuck from 900 req/s up. Once stuck, it recovers only below 110 req/s. Between 110 and
// 800 req/s the stuck state's goodput is far below 70% of the load; from 800 req/s up the hits
// alone carry 70% of it, so the health rule passes at the end though the verdict (its loop still
// running: the hit rate out of its envelope) says metastable. The true recovery load is 110 req/s;
// a search that trusts goodput alone sees "recovered" at both ends and bisects into nonsense.
const parsed = parseScenarioText(
  `name: fake-cache
duration: 70
sources:
  users: { target: client, profile: { kind: constant, rate: 3000 } }
clients:
  client: { target: server }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.001 } }
triggers:
  - { kind: pause, target: server, at: 20, duration: 1 }
`,
  "fake.yaml",
);

type Profile = { kind: string; rate?: number; to?: { rate: number } };

const trial = (seed: number, stuck: boolean, healthyAtEnd: boolean): TrialResult => ({
  seed,
  verdict: stuck ? "metastable" : "recovered",
  stuck,
  goodputRatio: healthyAtEnd ? 0.75 : 0.2,
  timeToRecover: stuck ? null : 30,
  healthyAtEnd,
  healthySince: healthyAtEnd ? (stuck ? 1 : 60) : null,
});

type Switch = Profile & { from: Profile };

const runner: BatchRunner = async (trials) =>
  trials.map((t) => {
    const profile = (t.spec.sources as Record<string, { profile: Switch }>).users!.profile;
    if (profile.kind === "switch") {
      // Stuck at the scenario's own load the cache is cold: it refills only below 110 req/s.
      // Stuck just past the tipping load it is a third full and refills below 415 req/s.
      const limit = profile.from.rate! >= 2000 ? 110 : 415;
      const load = profile.to!.rate;
      if (load < limit) return trial(t.seed, false, true);
      return trial(t.seed, true, load >= 800);
    }
    return trial(t.seed, profile.rate! >= 900, profile.rate! < 900);
  });

describe("threshold's recovery search on a stuck state that passes the goodput rule at high load", () => {
  it("finds the recovery load from the lowest firm stuck state (415 req/s), judging recovery as the tipping search judges stuck", async () => {
    const r = await findThresholds(parsed, runner, {
      replications: 10,
      low: 0.02,
      high: 1,
      tolerance: 0.002,
    });
    expect(r.tip.rate!).toBeGreaterThan(900 - 0.002 * 3000);
    expect(r.tip.rate!).toBeLessThan(900 + 0.002 * 3000);
    expect(r.recover!.rate!).toBeGreaterThan(415 - 0.002 * 3000);
    expect(r.recover!.rate!).toBeLessThan(415 + 0.002 * 3000);
    expect(r.recover!.note).toBeNull();
    // It started from the lowest load tried that stuck on every replication, just past 900 req/s.
    expect(r.recoverFrom!).toBeGreaterThanOrEqual(900);
    expect(r.recoverFrom!).toBeLessThan(1000);
  });
});
