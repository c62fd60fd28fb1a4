import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../../src/model/call.js";
import { ConfigPipeline, type ConfigPipelineOptions } from "../../../src/model/components/config-pipeline.js";
import { Server } from "../../../src/model/components/server.js";
import { buildModel } from "../../../src/scenario/build.js";
import { parseScenarioText } from "../../../src/scenario/parse.js";
import { ScenarioError } from "../../../src/scenario/scenario-error.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/** A caller that records every answer to each of its calls, by token. */
class Probe implements Caller {
  readonly answers: ReplyStatus[][] = [];
  /** A new call's token. */
  call(): number {
    return this.answers.push([]) - 1;
  }
  reply(token: number, status: ReplyStatus): boolean {
    this.answers[token]!.push(status);
    return true;
  }
  requestOf(): number {
    return -1;
  }
}

function setup(options: ConfigPipelineOptions = {}, seed = 1) {
  const sim = new Simulation({ seed });
  const origin = new Server(sim, "origin", { serviceTime: constant(0.01), concurrency: 100 });
  const pipeline = new ConfigPipeline(sim, "proxy", origin, { regenerateEvery: 10, ...options });
  pipeline.start();
  const probe = new Probe();
  // One call every second, from 0.5 s.
  for (let t = 0.5; t < 200; t += 1) {
    sim.scheduleAt(t, {
      handleEvent: () => pipeline.accept(probe, probe.call(), Number.POSITIVE_INFINITY),
    });
  }
  // Each call's answers, in the order sent.
  return { sim, origin, pipeline, calls: probe.answers };
}

/** Whether calls in each 10 s regeneration period of [from, to) succeeded: true, false, or null (mixed). */
function periods(calls: ReplyStatus[][], from: number, to: number): (boolean | null)[] {
  const out: (boolean | null)[] = [];
  for (let p = from; p < to; p += 10) {
    const inside = calls.slice(p, p + 10).map((c) => c[0] === "ok");
    out.push(inside.every(Boolean) ? true : inside.some(Boolean) ? null : false);
  }
  return out;
}

describe("config pipeline", () => {
  it("passes calls through to its target while the file is good", () => {
    const { sim, origin, pipeline, calls } = setup();
    sim.run({ until: 199.9 });
    expect(calls.every((c) => c.length === 1 && c[0] === "ok")).toBe(true);
    expect(pipeline.stats).toMatchObject({ regenerations: 20, badFiles: 0, forwarded: 200, failed: 0 });
    expect(origin.stats.served).toBe(200);
    expect(pipeline.gauges()).toMatchObject({ rows: 120, failing: 0 });
  });

  it("fail-closed: with every node upgraded, every call fails from the next regeneration on", () => {
    const { sim, origin, pipeline, calls } = setup();
    sim.scheduleAt(45, { handleEvent: () => pipeline.setErrorRate(1) });
    sim.scheduleAt(95, { handleEvent: () => pipeline.setErrorRate(0) });
    sim.run({ until: 199.9 });
    expect(periods(calls, 0, 200)).toEqual([
      ...[true, true, true, true, true],
      ...[false, false, false, false, false],
      ...[true, true, true, true, true, true, true, true, true, true],
    ]);
    expect(pipeline.stats).toMatchObject({ badFiles: 5, failed: 50, forwarded: 150 });
    expect(origin.stats.arrived).toBe(150);
  });

  it("fail-closed: a partial rollout flips the service on the regeneration cycle", () => {
    const { sim, pipeline, calls } = setup({}, 3);
    pipeline.setErrorRate(0.5);
    sim.run({ until: 199.9 });
    const p = periods(calls, 0, 200);
    // Each period is all up or all down, and both happen.
    expect(p.includes(null)).toBe(false);
    expect(p.filter((x) => x === false).length).toBe(pipeline.stats.badFiles);
    expect(pipeline.stats.badFiles).toBeGreaterThan(3);
    expect(pipeline.stats.badFiles).toBeLessThan(17);
  });

  it("last-known-good: refuses oversized files and stays up", () => {
    const { sim, pipeline, calls } = setup({ onBadFile: { kind: "lastKnownGood" } }, 3);
    pipeline.setErrorRate(0.5);
    sim.run({ until: 199.9 });
    expect(calls.every((c) => c[0] === "ok")).toBe(true);
    expect(pipeline.stats.keptLastGood).toBe(pipeline.stats.badFiles);
    expect(pipeline.stats.badFiles).toBeGreaterThan(3);
    expect(pipeline.gauges().rows).toBe(120);
  });

  it("schema check: an upgraded file is bad even under the limit; size-jump check: more than maxGrowth x is bad", () => {
    // 60 rows x 1.5 = 90, far under 200: only the schema check sees it.
    const schema = setup({
      rows: 60,
      upgradedFactor: 1.5,
      schemaCheck: true,
      onBadFile: { kind: "lastKnownGood" },
    });
    schema.sim.scheduleAt(45, { handleEvent: () => schema.pipeline.setErrorRate(1) });
    schema.sim.scheduleAt(95, { handleEvent: () => schema.pipeline.setErrorRate(0) });
    schema.sim.run({ until: 199.9 });
    expect(schema.pipeline.stats).toMatchObject({
      badFiles: 5,
      wrongSchema: 5,
      overLimit: 0,
      keptLastGood: 5,
    });
    expect(schema.calls.every((c) => c[0] === "ok")).toBe(true);
    // Without it the same files are loaded.
    const plain = setup({ rows: 60, upgradedFactor: 1.5, onBadFile: { kind: "lastKnownGood" } });
    plain.sim.scheduleAt(45, { handleEvent: () => plain.pipeline.setErrorRate(1) });
    plain.sim.run({ until: 60 });
    expect(plain.pipeline.stats.badFiles).toBe(0);
    expect(plain.pipeline.gauges().rows).toBe(90);
    // 60 -> 90 is 1.5x: over a maxGrowth of 1.4, not over 1.5.
    for (const [maxGrowth, jumps] of [
      [1.4, 5],
      [1.5, 0],
    ] as const) {
      const jump = setup({ rows: 60, upgradedFactor: 1.5, maxGrowth, onBadFile: { kind: "failClosed" } });
      jump.sim.scheduleAt(45, { handleEvent: () => jump.pipeline.setErrorRate(1) });
      jump.sim.scheduleAt(95, { handleEvent: () => jump.pipeline.setErrorRate(0) });
      jump.sim.run({ until: 199.9 });
      // The first jump fails closed and loads 90 rows; later 90-row files are no jump from it.
      expect(jump.pipeline.stats.sizeJumps).toBe(jumps === 0 ? 0 : 1);
    }
  });

  it("last-known-good with no good file ever loaded fails every call, or passes them on with bypass", () => {
    for (const withoutGoodFile of ["fail", "bypass"] as const) {
      const { sim, pipeline, calls } = setup({ onBadFile: { kind: "lastKnownGood" }, withoutGoodFile });
      pipeline.setErrorRate(1);
      sim.scheduleAt(45, { handleEvent: () => pipeline.setErrorRate(0) });
      sim.run({ until: 199.9 });
      // Files at 0, 10, 20, 30, 40 s are bad; the one at 50 s is the first good one.
      expect(pipeline.stats).toMatchObject({ badFiles: 5, noGoodFile: 5, keptLastGood: 0 });
      const first50 = calls.slice(0, 50).map((c) => c[0]);
      expect(first50.every((c) => c === (withoutGoodFile === "fail" ? "error" : "ok"))).toBe(true);
      expect(calls.slice(50).every((c) => c[0] === "ok")).toBe(true);
    }
  });

  it("a file exactly at the limit is good; one row more is bad", () => {
    for (const [limit, bad] of [
      [240, 0],
      [239, 20],
    ] as const) {
      const { sim, pipeline } = setup({ cardinalityLimit: limit });
      pipeline.setErrorRate(1);
      sim.run({ until: 199.9 });
      expect(pipeline.stats.badFiles).toBe(bad);
    }
  });

  it("answers each call exactly once, and its counters add up; replays identically", () => {
    const run = (seed: number) => {
      const { sim, origin, pipeline, calls } = setup({}, seed);
      pipeline.setErrorRate(0.3);
      sim.run({ until: 199.9 });
      for (const c of calls) expect(c.length).toBe(1);
      const s = pipeline.stats;
      expect(s.received).toBe(calls.length);
      expect(s.forwarded + s.failed).toBe(s.received);
      expect(origin.stats.arrived).toBe(s.forwarded);
      return JSON.stringify(s);
    };
    expect(run(8)).toBe(run(8));
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const origin = new Server(sim, "o", { serviceTime: constant(1) });
    const path = (options: Record<string, unknown>) => {
      try {
        new ConfigPipeline(sim, "p", origin, options as ConfigPipelineOptions);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return (e as OptionError).path;
      }
    };
    expect(path({ regenerateEvery: 0 })).toEqual(["regenerateEvery"]);
    expect(path({ rows: -1 })).toEqual(["rows"]);
    expect(path({ rows: 250 })).toEqual(["rows"]);
    expect(path({ upgradedFactor: -2 })).toEqual(["upgradedFactor"]);
    expect(path({ cardinalityLimit: 1.5 })).toEqual(["cardinalityLimit"]);
    expect(path({ onBadFile: { kind: "panic" } as never })).toEqual(["onBadFile", "kind"]);
    expect(path({ schemaCheck: "yes" as never })).toEqual(["schemaCheck"]);
    expect(path({ maxGrowth: 1 })).toEqual(["maxGrowth"]);
    expect(path({ withoutGoodFile: "panic" as never })).toEqual(["withoutGoodFile"]);
    expect(path({})).toBeNull();
    const p = new ConfigPipeline(sim, "q", origin);
    expect(() => p.setErrorRate(2)).toThrow(OptionError);
  });

  it("in a scenario, the errors trigger drives the rollout and bad options are reported at their field", () => {
    const text = (extra: string) => `
name: t
duration: 10
sources: { s: { target: c, profile: { kind: constant, rate: 1 } } }
clients: { c: { target: proxy } }
configPipelines:
  proxy:
    target: origin
${extra}
servers: { origin: { serviceTime: { kind: constant, value: 0.1 } } }
triggers:
  - { kind: errors, target: proxy, at: 1, duration: 5, rate: 0.5 }
`;
    expect(() => buildModel(parseScenarioText(text(""), "t.yaml"))).not.toThrow();
    try {
      buildModel(parseScenarioText(text("    cardinalityLimit: -5"), "t.yaml"));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).issues[0]).toMatchObject({
        field: "configPipelines.proxy.cardinalityLimit",
        line: 9,
      });
    }
  });
});
