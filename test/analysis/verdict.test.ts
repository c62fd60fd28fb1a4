import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse-run.js";
import { healthRule } from "../../src/analysis/health.js";
import { judge } from "../../src/analysis/verdict.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { fixtureOutput } from "../report/fixture.js";

/** A synthetic 100 s run at 10 req/s whose goodput follows `good(t)`, with one trigger. */
function synthetic(good: (t: number) => number, trigger = { start: 30, end: 35 }): RunOutput {
  const base = fixtureOutput();
  const starts = Array.from({ length: 100 }, (_, i) => i);
  const offered = starts.map(() => 10);
  const goodput = starts.map((t) => good(t));
  const zeros = starts.map(() => 0);
  return {
    result: {
      ...base.result,
      simulatedSeconds: 100,
      drain: null,
      capacityPerSec: 20,
      baseRatePerSec: 10,
      phases: [{ ...base.result.phases[0]!, start: 0, end: 100, plannedPerSec: 10 }],
      triggers: [{ kind: "pause", target: "server", ...trigger }],
    },
    series: {
      ...base.series,
      probeTimes: starts,
      queueDepth: { server: starts.map((t) => (goodput[t]! < 5 ? 50 : 1)) },
      totalQueue: starts.map((t) => (goodput[t]! < 5 ? 50 : 1)),
      capacity: starts.map(() => 20),
      utilisation: starts.map(() => 0.5),
      healthyShare: [],
      errors: zeros,
      gaveUp: starts.map((t) => 10 - goodput[t]!),
      abandoned: zeros,
      inFlight: zeros,
      busy: starts.map(() => 0.5),
      wastedBusy: zeros,
      errorBusy: zeros,
      fastCompletions: [],
      workers: {},
      gauges: {},
      window: 1,
      windowStarts: starts,
      offered,
      goodput,
      throughput: offered,
      attempts: offered,
      retries: zeros,
      timeouts: zeros,
      wasted: zeros,
      latencyMean: starts.map(() => 0.1),
      latencyP50: starts.map(() => 0.1),
      latencyP99: starts.map(() => 0.1),
    },
  };
}

describe("verdict", () => {
  it("stable when goodput keeps up", () => {
    expect(judge(synthetic(() => 10)).verdict.kind).toBe("stable");
  });

  it("recovered, with the time to recover after the trigger ended", () => {
    const v = judge(synthetic((t) => (t >= 30 && t < 38 ? 0 : 10))).verdict;
    expect(v.kind).toBe("recovered");
    expect(v.recoveredAt).toBeGreaterThan(38);
    expect(v.timeToRecover).toBeCloseTo(v.recoveredAt! - 35, 9);
  });

  it("metastable when goodput stays low after every trigger ended, with since when and the stuck metrics", () => {
    const v = judge(synthetic((t) => (t >= 30 ? 1 : 10))).verdict;
    expect(v.kind).toBe("metastable");
    expect(v.stuckSince).toBeGreaterThanOrEqual(30);
    expect(v.stuckSince).toBeLessThan(40);
    expect(v.stuckMetrics).toContain("queueDepth");
    expect(v.degradedAtEnd).toBe(true);
  });

  it("unstable when it degrades before any trigger and the run without triggers stays degraded", () => {
    const run = synthetic((t) => (t >= 15 ? 1 : 10));
    const v = judge(run, {}, run).verdict;
    expect(v.kind).toBe("unstable");
    expect(v.degradedAt).toBeLessThan(30);
  });

  it("a dip before the trigger that the run without triggers also recovers from is not instability", () => {
    const dip = (t: number) => (t >= 10 && t < 14 ? 0 : 10);
    const v = judge(synthetic(dip), {}, synthetic(dip)).verdict;
    expect(v.kind).toBe("stable");
    expect(v.summary).toMatch(/dipped/);
  });

  it("unstable when the control run without triggers degrades too", () => {
    const stuck = synthetic((t) => (t >= 30 ? 1 : 10));
    const controlStuck = synthetic((t) => (t >= 50 ? 1 : 10), { start: 0, end: 0 });
    controlStuck.result.triggers = [];
    expect(judge(stuck, {}, controlStuck).verdict.kind).toBe("unstable");
    expect(
      judge(
        stuck,
        {},
        synthetic(() => 10),
      ).verdict.kind,
    ).toBe("metastable");
  });

  it("thresholds are options", () => {
    const dip = synthetic((t) => (t >= 30 ? 6 : 10));
    expect(judge(dip).verdict.kind).toBe("metastable");
    expect(judge(dip, { health: healthRule(undefined, { goodput: 0.5 }) }).verdict.kind).toBe("stable");
  });
});

const PAUSE = `
name: pause-storm
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

describe("verdict on real runs", () => {
  it("a 5 s pause at 50% load tips retrying clients into a storm that outlives it: metastable", () => {
    const parsed = parseScenarioText(PAUSE, "pause.yaml");
    for (const seed of [1, 2, 4]) {
      const out = runScenario(parsed, { seed });
      const { result } = analyseRun(parsed, out);
      expect(result.verdict.kind, `seed ${seed}`).toBe("metastable");
      expect(result.characteristicMetrics.find((m) => m.name === "retryRate")!.outAtEnd).toBe(true);
    }
  });

  it("the seed's retry storm is unstable: its 90% base load collapses before the spike", () => {
    const parsed = parseScenarioText(
      PAUSE.replace("rate: 5", "rate: 9")
        .replace("timeout: 1", "timeout: 0.5")
        .replace(/triggers:[\s\S]*/, ""),
      "storm.yaml",
    );
    expect(analyseRun(parsed, runScenario(parsed, { seed: 2 })).result.verdict.kind).toBe("unstable");
  });
});
