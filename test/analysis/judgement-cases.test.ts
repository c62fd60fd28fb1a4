import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse-run.js";
import { sequentialRunner } from "../../src/analysis/batch.js";
import { healthRule } from "../../src/analysis/health.js";
import { meanInterval, shareInterval } from "../../src/analysis/statistics.js";
import { findThresholds } from "../../src/analysis/threshold.js";
import { parseHealthFlag } from "../../src/cli/run-command.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";

// Runs whose right answer was worked out by hand or by theory before the judgement was written:
// the verdict, threshold and statistics are tested on them, not only on the catalog they describe.

const STORM_CLIENT = `
clients:
  client: { target: server, timeout: 0.5, maxAttempts: 5, backoff: { kind: none }, acceptLateResponses: true }
servers:
  server: { concurrency: 1, serviceTime: { kind: exponential, mean: 0.1 } }
`;

function judged(yaml: string, seed: number) {
  const parsed = parseScenarioText(yaml, "case.yaml");
  const output = runScenario(parsed, { seed });
  return { output, ...analyseRun(parsed, output) };
}

describe("false recovery: zero goodput with work waiting is never healthy", () => {
  // The seed's storm with every rate x 0.584: the tail offers 1.75 req/s, 17.5 requests per 10 s,
  // too few for one stretch to be judged alone. Stuck after the spike (5.26 x 5 attempts > mu = 10),
  // it is still stuck at the end: its tail must not read as recovered.
  const LOW_TAIL = `
name: low-tail
seed: 1
duration: 100
drain: 10
sources:
  users:
    target: client
    arrivals: even
    profile: { kind: steps, steps: [{at: 0, rate: 5.256}, {at: 20, rate: 11.68}, {at: 30, rate: 5.256}, {at: 60, rate: 4.088}, {at: 75, rate: 2.92}, {at: 90, rate: 1.752}] }
${STORM_CLIENT}`;
  it.each([1, 2, 3])("seed %i: stuck at the end, so neither stable nor recovered", (seed) => {
    const { verdict, output } = judged(LOW_TAIL, seed);
    expect(output.result.finalQueueDepth).toBeGreaterThan(100);
    expect(["metastable", "unstable"]).toContain(verdict.kind);
    expect(verdict.degradedAtEnd).toBe(true);
  });

  // Poisson 2.25 req/s: 22.5 requests per 10 s on average, often fewer than 20. Five attempts
  // make the stuck state self-sustaining (2.25 x 5 > 10): whenever the run ends with zero goodput
  // over its last 20 s and a queue, the verdict must say stuck.
  const POISSON = `
name: poisson-225
seed: 1
duration: 200
drain: 10
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 2.25 } }
${STORM_CLIENT}
triggers:
  - { kind: spike, target: users, at: 30, duration: 5, factor: 6 }
`;
  it.each([1, 3, 4, 5, 6])("seed %i: zero goodput at the end with a queue reads stuck", (seed) => {
    const { verdict, output } = judged(POISSON, seed);
    const s = output.series;
    const tail = s.goodput.filter((_, i) => s.windowStarts[i]! >= 180 && s.windowStarts[i]! < 200);
    if (tail.every((g) => g === 0) && output.result.finalQueueDepth > 0) {
      expect(["metastable", "unstable"]).toContain(verdict.kind);
    }
    expect(verdict.kind).not.toBe("recovered");
  });
});

describe("recovered only when the loop has let go", () => {
  // The cache-flush warm-up variant without its load ramp: the warmed cache serves most requests
  // (goodput holds) while the database stays pinned with timeouts and wasted work.
  const catalog = readFileSync("scenarios/cache-flush-warmup.yaml", "utf8");
  const noRamp = catalog
    .split("\n")
    .filter((l) => !l.includes("rampLoad"))
    .join("\n");
  it("a warmed cache with the database still drowning is not recovered", () => {
    const { verdict } = judged(noRamp, 1);
    expect(verdict.kind).toBe("metastable");
    expect(verdict.loopsRunning).toEqual(expect.arrayContaining(["wastedFraction"]));
    expect(verdict.summary).toMatch(/loop/);
  });
  it("the catalog variant with the ramp recovers, loops let go", () => {
    const { verdict } = judged(catalog, 1);
    expect(verdict.kind).toBe("recovered");
    expect(verdict.loopsRunning).toEqual([]);
  });
});

describe("a step in the load profile is a trigger, with its control run", () => {
  const steady = (trigger: string, profile: string) => `
name: step
seed: 1
duration: 120
drain: 10
sources:
  users: { target: client, arrivals: even, profile: ${profile} }
${STORM_CLIENT}
${trigger}`;
  const asStep = steady(
    "",
    "{ kind: steps, steps: [{at: 0, rate: 5}, {at: 20, rate: 9.5}, {at: 30, rate: 5}] }",
  );
  const asSpike = steady(
    "triggers:\n  - { kind: spike, target: users, at: 20, duration: 10, factor: 1.9 }",
    "{ kind: constant, rate: 5 }",
  );
  it.each([1, 2])("seed %i: a step to 9.5 req/s (below capacity) and a spike trigger read alike", (seed) => {
    const a = judged(asStep, seed).verdict;
    const b = judged(asSpike, seed).verdict;
    expect(a.kind).toBe(b.kind);
    expect(a.kind).toBe("metastable");
    expect(a.triggers.map((t) => [t.source, t.start, t.end])).toEqual([["load", 20, 30]]);
    expect(a.summary).not.toMatch(/before any trigger/);
  });
});

describe("lease fleets are judged by hosts holding a lease", () => {
  it("the fixed fleet is not called healthy while most hosts have no lease", () => {
    const { verdict, output } = judged(readFileSync("scenarios/lease-renewal-storm-fixed.yaml", "utf8"), 1);
    expect(verdict.kind).toBe("recovered");
    const share = output.series.healthyShare;
    const probe = Math.round(verdict.recoveredAt! / output.series.probeInterval) - 1;
    // When it is called healthy again, most hosts hold a lease (averaged over the judged stretch).
    const from = Math.max(0, probe - Math.round(10 / output.series.probeInterval));
    const mean = share.slice(from, probe + 1).reduce((a, b) => a + b, 0) / (probe + 1 - from);
    expect(mean).toBeGreaterThanOrEqual(0.7);
  });
});

describe("threshold measures hysteresis", () => {
  // One server (mu = 10/s), 5 attempts with a 0.5 s timeout. Once stuck, every request makes 5
  // attempts, so the stuck state sustains itself while 5 x lambda > mu: it can only recover below
  // mu / 5 = 2 req/s, and near that only slowly (the backlog drains at mu - 5 lambda).
  const STORM = `
name: hysteresis
seed: 1
duration: 80
drain: 5
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 4 } }
${STORM_CLIENT}
triggers:
  - { kind: spike, target: users, at: 20, duration: 10, factor: 2.5 }
`;
  it("the recovery load lies below mu / attempts, and the window is never negative", async () => {
    const parsed = parseScenarioText(STORM, "storm.yaml");
    const r = await findThresholds(parsed, sequentialRunner(parsed), {
      replications: 2,
      low: 0.25,
      high: 2,
      tolerance: 0.1,
      recoverWithin: 150,
    });
    expect(r.recover).not.toBeNull();
    expect(r.recover!.rate).not.toBeNull();
    expect(r.recover!.rate!).toBeLessThanOrEqual(2.2);
    expect(r.recover!.rate!).toBeGreaterThan(0.5);
    expect(r.drainTime?.low ?? 0).toBeGreaterThanOrEqual(0);
    if (r.metastableWindow !== null) expect(r.metastableWindow).toBeGreaterThanOrEqual(0);
  });
  it("the tipping load is where it stays stuck, not where the spike's backlog outlasts the load period", async () => {
    // A spike 10x the load overloads the server at every load searched, so the trigger tips it
    // wherever a stuck state lasts. Once stuck, every request makes 5 attempts and the backlog B
    // (hundreds of calls) drains at mu - 5 lambda: it outlasts a horizon H when
    // B / (10 - 5 lambda) > H, so the tip lies below mu / 5 = 2 req/s, and with H = 150 s (B about
    // 500) near 1.3 req/s. Judged at the end of the 80 s load period (50 s after the spike) every
    // load looked stuck: the tip was "not determined: already stuck at the lowest load", while the
    // recovery search saw the same system recover at 1.2 req/s.
    const parsed = parseScenarioText(STORM.replace("factor: 2.5", "factor: 10"), "storm.yaml");
    const r = await findThresholds(parsed, sequentialRunner(parsed), {
      replications: 2,
      low: 0.25,
      high: 2,
      tolerance: 0.05,
      recoverWithin: 150,
    });
    expect(r.tip.rate).not.toBeNull();
    expect(r.tip.rate!).toBeGreaterThan(1);
    expect(r.tip.rate!).toBeLessThanOrEqual(2.2);
    // One horizon for both searches: it cannot tip below a load it is seen to recover at.
    expect(r.recover?.rate).not.toBeNull();
    expect(r.tip.rate!).toBeGreaterThanOrEqual(r.recover!.rate! - 0.05 * 4 - 1e-9);
  });
});

describe("a backlog draining slowly is not called stuck for sure", () => {
  // The seed's storm at half its load: 1.5 req/s, a spike to 20 req/s at 20-30 s. Once stuck each
  // request makes 5 attempts, 7.5 a second against mu = 10, so the backlog the spike left (about
  // 750 calls at 40 s) drains at up to 2.5 calls/s: healthy again after a few hundred seconds, not
  // by the end of a 100 s load period. At 100 s it is falling by only 1-2 calls/s, under the
  // "a twentieth of its level in 20 s" test that alone called seeds 6, 7 and 42 stuck for sure.
  const SLOW = (duration: number) => `
name: slow-drain
seed: 42
duration: ${duration}
drain: 10
sources:
  users:
    target: client
    arrivals: even
    profile: { kind: steps, steps: [{ at: 0, rate: 1.5 }, { at: 20, rate: 20 }, { at: 30, rate: 1.5 }] }
${STORM_CLIENT}`;
  it.each([1, 2, 3])(
    "seed %i: judged at 100 s it is stuck but draining: inconclusive, with how much longer to run",
    (seed) => {
      const { verdict } = judged(SLOW(100), seed);
      expect(verdict.kind).toBe("metastable");
      expect(verdict.conclusive).toBe(false);
      expect(verdict.drainEstimate).toBeGreaterThan(100);
      expect(verdict.runLonger).toBeGreaterThan(100);
    },
  );
  it("given that much longer, the same run recovers", () => {
    const { verdict } = judged(SLOW(100 + 500), 1);
    expect(verdict.kind).toBe("recovered");
  });
  it("a storm that holds (3 req/s: 15 attempts a second against mu = 10) stays conclusive", () => {
    const { verdict } = judged(SLOW(100).replaceAll("rate: 1.5", "rate: 3"), 1);
    expect(verdict.kind).toBe("metastable");
    expect(verdict.conclusive).toBe(true);
    expect(verdict.drainEstimate).toBeNull();
  });
});

describe("the health rule is the user's", () => {
  const FAST = `
name: latency
seed: 1
duration: 60
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 8 } }
clients:
  client: { target: server, timeout: 5, maxAttempts: 1 }
servers:
  server: { concurrency: 1, serviceTime: { kind: exponential, mean: 0.1 } }
health: { latency: { quantile: 0.99, within: 0.2 } }
`;
  it("an M/M/1 at 80% misses a p99 of 0.2 s (theory: P(T > 0.2) = e^-0.4 = 67%), so it is unstable by that rule", () => {
    const { verdict } = judged(FAST, 1);
    expect(verdict.kind).toBe("unstable");
    expect(verdict.endReason).toMatch(/within 0.2 s/);
  });
  it("the same run meets the default goodput rule", () => {
    const parsed = parseScenarioText(FAST, "latency.yaml");
    const output = runScenario(parsed, { seed: 1 });
    expect(analyseRun(parsed, output, { health: healthRule(undefined) }).verdict.kind).toBe("stable");
  });
});

describe("intervals respect their bounds", () => {
  it("a duration's interval does not go below zero", () => {
    const e = meanInterval([0, 0, 3], { min: 0 });
    expect(e.mean).toBe(1);
    expect(e.low).toBe(0);
  });
  it("a share's interval stays in [0, 1]", () => {
    const e = shareInterval([0, 0, 0, 0.19, 0]);
    expect(e.low).toBeGreaterThanOrEqual(0);
    expect(e.high).toBeLessThanOrEqual(1);
    expect(shareInterval([1, 1, 1]).high).toBe(1);
  });
});

describe("--health sets the rule from the command line", () => {
  it("reads goodput, a pNN latency objective, an error rate and a window", () => {
    expect(parseHealthFlag("goodput=0.8,p99=0.5,errors=0.05,window=20")).toEqual({
      goodput: 0.8,
      latency: { quantile: 0.99, within: 0.5 },
      errorRate: 0.05,
      window: 20,
    });
  });
  it.each(["goodput=2", "p99=abc", "p100=1", "speed=3", "goodput"])(
    "refuses %s with a usage error",
    (text) => {
      expect(() => parseHealthFlag(text)).toThrow(/--health/);
    },
  );
});
