import { describe, expect, it } from "vitest";
import { sequentialRunner } from "../../src/analysis/batch.js";
import { compareVariants } from "../../src/analysis/compare.js";
import { baseRate, scaleLoad } from "../../src/analysis/scale-load.js";
import { probeStability } from "../../src/analysis/stability.js";
import { meanInterval, proportionInterval, t95 } from "../../src/analysis/statistics.js";
import { findThresholds } from "../../src/analysis/threshold.js";
import { replicationSeeds, runTrial } from "../../src/analysis/trial.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

// A server at 50% load whose retrying clients turn a 5 s pause into a lasting storm.
const PAUSE = `
name: pause-storm
seed: 1
duration: 80
drain: 5
sources:
  users: { target: client, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server, timeout: 1, maxAttempts: 5 }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.1 } }
triggers:
  - { kind: pause, target: server, at: 20, duration: 5 }
`;
const parsed = parseScenarioText(PAUSE, "pause.yaml");
const budgeted = parseScenarioText(
  PAUSE.replace("mean: 0.1 } }", "mean: 0.1 }, dropExpired: true }"),
  "drop-expired.yaml",
);

describe("statistics", () => {
  it("Student-t quantiles match the table", () => {
    expect(t95(2)).toBeCloseTo(4.303, 2);
    expect(t95(9)).toBeCloseTo(2.262, 3);
    expect(t95(19)).toBeCloseTo(2.093, 3);
    expect(t95(100)).toBeCloseTo(1.984, 3);
  });

  it("intervals contain the estimate and narrow with n", () => {
    const small = meanInterval([1, 2, 3]);
    const large = meanInterval([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(small.low).toBeLessThan(2);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    const none = proportionInterval(0, 5);
    expect(none.low).toBe(0);
    expect(none.high).toBeLessThan(0.5);
    expect(proportionInterval(5, 5).low).toBeGreaterThan(0.5);
  });
});

describe("load scaling", () => {
  it("multiplies every profile and reads the base rate", () => {
    expect(baseRate(parsed.spec)).toBe(5);
    expect(baseRate(scaleLoad(parsed.spec, 0.4))).toBeCloseTo(2, 12);
  });
});

describe("compare", () => {
  it("pairs variants by seed and finds the mitigation's effect", async () => {
    const seeds = replicationSeeds(1, 4);
    const base = await sequentialRunner(parsed)(seeds.map((seed) => ({ spec: parsed.spec, seed })));
    const fixed = seeds.map((seed) => runTrial(budgeted, budgeted.spec, seed));
    const c = compareVariants([
      { name: "plain", trials: base },
      { name: "drop-expired", trials: fixed },
    ]);
    expect(c.variants[0]!.pStuck.mean).toBe(1);
    expect(c.differences[0]!.goodputRatio.mean).toBeGreaterThan(0.5);
    expect(c.differences[0]!.goodputRatio.low).toBeGreaterThan(0);
    expect(() =>
      compareVariants([
        { name: "a", trials: base },
        { name: "b", trials: [...fixed].reverse() },
      ]),
    ).toThrow(/not a paired comparison/);
  });
});

describe("threshold", () => {
  it("brackets the load that tips the system, below the scenario's own load", async () => {
    const r = await findThresholds(parsed, sequentialRunner(parsed), {
      replications: 3,
      tolerance: 0.1,
      low: 0.1,
      high: 1.2,
    });
    expect(r.tip.rate).not.toBeNull();
    const tip = r.tip.rate!;
    expect(tip).toBeGreaterThan(0.5);
    expect(tip).toBeLessThan(5);
    expect(r.tip.low).toBeLessThanOrEqual(tip);
    expect(r.tip.high).toBeGreaterThanOrEqual(tip);
    expect(r.recover).not.toBeNull();
    if (r.metastableWindow !== null) expect(r.metastableWindow).toBeGreaterThanOrEqual(0);
  });
});

describe("loop stability", () => {
  it("a small burst decays; a large one is sustained by the retry loop", () => {
    const small = probeStability(parsed, { load: 5, sizes: [5], replications: 2 });
    const large = probeStability(parsed, { load: 5, sizes: [60], replications: 2 });
    const retry = (r: typeof small) => r.loops.find((l) => l.metric === "retryRate")!;
    expect(retry(small).sustains).toBe(false);
    expect(retry(large).sustains).toBe(true);
    expect(retry(large).peak).toBeGreaterThan(retry(small).peak);
    expect(small.tippingSize).toBeNull();
    expect(large.tippingSize).toBe(60);
  });

  it("by default probes with half a timeout's worth of capacity, at most a second of load", () => {
    // Timeout 1 s, capacity 10 req/s: 5 requests, which the loop absorbs.
    const probe = probeStability(parsed, { load: 5, replications: 2 });
    expect(probe.probeSize).toBe(5);
    expect(probe.baseline.healthy).toBe(true);
    expect(probe.loops.every((l) => !l.sustains)).toBe(true);
    // The sweep doubles the burst until one leaves the system stuck: the basin's edge.
    expect(probe.tippingSize).not.toBeNull();
    expect(probe.sizes.map((x) => x.size)).toEqual(
      [5, 10, 20, 40, 80, 160, 320].slice(0, probe.sizes.length),
    );
    // At 2 req/s one second of load (2 requests) is the smaller.
    expect(probeStability(parsed, { load: 2, replications: 1, sizes: undefined }).probeSize).toBe(2);
  });

  it("refuses a burst after the end of the scenario", () => {
    expect(() => probeStability(parsed, { at: 100 })).toThrow(/before the scenario's duration/);
  });
});
