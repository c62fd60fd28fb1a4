import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { type Handler, Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../../src/model/call.js";
import { Autoscaler, type AutoscalerOptions } from "../../../src/model/components/autoscaler.js";
import { LoadBalancer } from "../../../src/model/components/balancer.js";
import { Server } from "../../../src/model/components/server.js";
import { parseScenarioText } from "../../../src/scenario/parse.js";
import { runScenario } from "../../../src/scenario/run.js";
import { ScenarioError } from "../../../src/scenario/scenario-error.js";
import { optionPath } from "../option-path.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/**
 * Evenly spaced calls at `rate(t)` per second to the balancer, until `until`; records each call's
 * answer and fails the test if one is answered twice.
 */
class Feeder implements Handler, Caller {
  /** Answer to each call by token; null while unanswered. */
  readonly calls: (ReplyStatus | null)[] = [];
  constructor(
    private readonly sim: Simulation,
    private readonly lb: LoadBalancer,
    private readonly rate: (t: number) => number,
    private readonly until: number,
  ) {
    sim.schedule(0, this);
  }
  handleEvent(): void {
    this.lb.accept(this, this.calls.push(null) - 1, Number.POSITIVE_INFINITY);
    const next = this.sim.now + 1 / this.rate(this.sim.now);
    if (next < this.until) this.sim.scheduleAt(next, this);
  }
  reply(token: number, status: ReplyStatus): boolean {
    if (this.calls[token] !== null) throw new Error(`call ${token} answered twice`);
    this.calls[token] = status;
    return true;
  }
  requestOf(): number {
    return -1;
  }
}

const SERVER = { serviceTime: constant(0.1), concurrency: 2 };

function setup(options: Partial<AutoscalerOptions>, rate: (t: number) => number, until = 100, seed = 1) {
  const sim = new Simulation({ seed });
  const web = [new Server(sim, "web-1", SERVER), new Server(sim, "web-2", SERVER)];
  const lb = new LoadBalancer(sim, "lb", web);
  const scaler = new Autoscaler(sim, "scaler", lb, {
    targetValue: 0.5,
    maxInstances: 6,
    server: SERVER,
    ...options,
  });
  const feeder = new Feeder(sim, lb, rate, until);
  lb.start();
  scaler.start();
  return { sim, lb, scaler, web, feeder };
}

describe("autoscaler", () => {
  it("scales out to ceil(current x utilisation / target), after the delay, with named instances", () => {
    // 2 servers x 20 req/s; 30 req/s is 75% utilisation, so with a target of 0.6 it wants 3.
    const { sim, lb, scaler } = setup(
      { targetValue: 0.6, evaluationInterval: 10, scaleOutDelay: 5 },
      () => 30,
    );
    sim.run({ until: 10.01 });
    expect(scaler.gauges()).toMatchObject({ instances: 2, pending: 1 });
    expect(scaler.gauges().utilisation).toBeCloseTo(0.75, 1);
    sim.run({ until: 15.01 });
    expect(scaler.gauges()).toMatchObject({ instances: 3, pending: 0 });
    expect(lb.backends.map((b) => b.name)).toEqual(["web-1", "web-2", "scaler-1"]);
    sim.run({ until: 60 });
    // 30 req/s over 3 servers is 50%; with 2 it would be 75%, above the target: it stays at 3.
    expect(scaler.stats).toMatchObject({ scaleOuts: 1, scaleIns: 0 });
  });

  it("a cold instance serves slower for the cold-start duration, then at full speed", () => {
    const { sim, scaler } = setup(
      { evaluationInterval: 1, scaleOutDelay: 0, coldStart: { duration: 5, slowdown: 4 }, maxInstances: 3 },
      () => 30,
      60,
    );
    sim.run({ until: 1.01 });
    const cold = scaler.createdInstances[0]!;
    expect(cold.name).toBe("scaler-1");
    sim.run({ until: 5.99 });
    const before = { ...cold.stats };
    expect(before.served).toBeGreaterThan(5);
    expect(before.busySeconds / before.served).toBeCloseTo(0.4, 9);
    sim.run({ until: 60 });
    const after = cold.stats;
    // Jobs started after the cold start ended take 0.1 s (the two in progress at its end took 0.4 s).
    expect((after.busySeconds - before.busySeconds) / (after.served - before.served)).toBeCloseTo(0.1, 1);
  });

  it("a cold instance buried under more than failAbove waiting calls fails to start; one under its share starts", () => {
    // 2 servers x 20 req/s at 60 req/s: saturated, so at t = 1 it launches a third (capped at 3).
    // Cold, it serves 2 / 0.4 s = 5 req/s but gets a third of 60 = 20 req/s: more than 5 calls wait
    // about 0.4 s after it joins, and it fails at the next sample (every 0.05 s).
    const { sim, lb, scaler, feeder } = setup(
      {
        evaluationInterval: 1,
        scaleOutDelay: 0,
        coldStart: { duration: 100, slowdown: 4, failAbove: 5 },
        maxInstances: 3,
      },
      () => 60,
      60,
    );
    sim.run({ until: 1.01 });
    const first = scaler.createdInstances[0]!;
    expect(lb.backends.map((b) => b.name)).toContain(first.name);
    sim.run({ until: 1.5 });
    expect(scaler.stats.failedStarts).toBe(1);
    expect(lb.backends.map((b) => b.name)).toEqual(["web-1", "web-2"]);
    // Everything it held (2 in service, 6 waiting) is lost: its callers hear nothing useful.
    const lost = feeder.calls.filter((c) => c === "lost").length;
    expect(lost).toBe(first.stats.dropped);
    expect(lost).toBe(8);
    // The next decision, a full interval after the group changed, launches a replacement; it fails too.
    sim.run({ until: 60 });
    // About one launch per 1.4 s (a decision, then 0.4 s to bury it), every one of them failed.
    expect(scaler.stats.failedStarts).toBeGreaterThan(40);
    expect(scaler.stats.scaleOuts - scaler.stats.failedStarts).toBeLessThanOrEqual(1);
    expect(lb.backends.length).toBeLessThanOrEqual(3);

    // At 30 req/s (75%, target 0.6) the third instance gets 10 req/s; cold at 1.5x it can serve
    // 13.3, so no call ever waits and it starts.
    const calm = setup(
      {
        targetValue: 0.6,
        evaluationInterval: 1,
        scaleOutDelay: 0,
        coldStart: { duration: 30, slowdown: 1.5, failAbove: 5 },
        maxInstances: 3,
      },
      () => 30,
      60,
    );
    calm.sim.run({ until: 59 });
    expect(calm.scaler.stats).toMatchObject({ scaleOuts: 1, failedStarts: 0 });
    expect(calm.lb.backends).toHaveLength(3);
    calm.sim.run({ until: 61 });
    expect(calm.feeder.calls.every((c) => c === "ok")).toBe(true);
  });

  it("stops at maxInstances, and with one decision per lag it climbs a step at a time", () => {
    const { sim, scaler } = setup(
      { evaluationInterval: 5, scaleOutDelay: 20, maxInstances: 4 },
      () => 200,
      200,
    );
    sim.run({ until: 5.01 });
    // Saturated (utilisation 1): it asks for 2 / 0.5 = 4 at once.
    expect(scaler.gauges()).toMatchObject({ instances: 2, pending: 2 });
    sim.run({ until: 100 });
    expect(scaler.gauges()).toMatchObject({ instances: 4, pending: 0 });
    expect(scaler.stats.scaleOuts).toBe(2);
  });

  it("scales in one at a time, newest first, after the cooldown, never below minInstances", () => {
    const rate = (t: number) => (t < 50 ? 60 : 5);
    const { sim, lb, scaler } = setup(
      { evaluationInterval: 5, scaleOutDelay: 1, scaleInCooldown: 10, minInstances: 2, maxInstances: 6 },
      rate,
      200,
    );
    sim.run({ until: 50 });
    expect(scaler.instances).toBe(6);
    const removals: number[] = [];
    let last = scaler.instances;
    for (let t = 51; t <= 200; t++) {
      sim.run({ until: t });
      if (scaler.instances < last) removals.push(t);
      expect(last - scaler.instances).toBeLessThanOrEqual(1);
      last = scaler.instances;
    }
    expect(scaler.instances).toBe(2);
    expect(lb.backends.map((b) => b.name)).toEqual(["web-1", "web-2"]);
    for (let i = 1; i < removals.length; i++)
      expect(removals[i]! - removals[i - 1]!).toBeGreaterThanOrEqual(10);
    expect(scaler.stats.scaleIns).toBe(4);
  });

  it("starts at minInstances, and the queueLength metric scales on waiting calls per instance", () => {
    const { sim, scaler, lb } = setup(
      { metric: "queueLength", targetValue: 2, minInstances: 3, evaluationInterval: 2, scaleOutDelay: 1 },
      () => 80,
      60,
    );
    expect(scaler.instances).toBe(3);
    expect(lb.backends.map((b) => b.name)).toEqual(["web-1", "web-2", "scaler-1"]);
    sim.run({ until: 2.01 });
    // 80 req/s on 60 req/s of capacity: queues grow, and it asks for ceil(3 x queue / 2) instances.
    const q = scaler.gauges().queueLength!;
    expect(q).toBeGreaterThan(2);
    expect(3 + scaler.gauges().pending!).toBe(Math.min(6, Math.ceil((3 * q) / 2)));
  });

  it("counts the work of the instances it created, removed ones included; every call answered once", () => {
    const rate = (t: number) => (t < 30 ? 60 : 5);
    const { sim, scaler, web, feeder } = setup(
      { evaluationInterval: 2, scaleOutDelay: 1, scaleInCooldown: 2 },
      rate,
      100,
    );
    sim.run({ until: 150 });
    expect(scaler.stats.scaleIns).toBeGreaterThan(0);
    const created = scaler.createdInstances;
    expect(scaler.stats.instanceServed).toBe(created.reduce((n, s) => n + s.stats.served, 0));
    expect(scaler.stats.instanceArrived).toBe(created.reduce((n, s) => n + s.stats.arrived, 0));
    const servedByWeb = web.reduce((n, s) => n + s.stats.served, 0);
    expect(servedByWeb + scaler.stats.instanceServed).toBe(feeder.calls.length);
    expect(feeder.calls.every((s) => s === "ok")).toBe(true);
    expect({ ...scaler.stats }).toMatchObject({ instanceServed: scaler.stats.instanceServed });
  });

  it("replays exactly with the same seed", () => {
    const run = (seed: number) => {
      const sim = new Simulation({ seed });
      const exp: Distribution = {
        label: "exp",
        mean: 0.1,
        min: 0,
        sample: (rng) => -0.1 * Math.log(1 - rng.next()),
      };
      const web = [new Server(sim, "web-1", { serviceTime: exp, concurrency: 2 })];
      const lb = new LoadBalancer(sim, "lb", web, { policy: { kind: "powerOfTwo" } });
      const scaler = new Autoscaler(sim, "scaler", lb, {
        targetValue: 0.6,
        maxInstances: 5,
        evaluationInterval: 3,
        server: { serviceTime: exp, concurrency: 2 },
      });
      new Feeder(sim, lb, (t) => (t < 40 ? 50 : 10), 80);
      scaler.start();
      sim.run({ until: 150 });
      return JSON.stringify([
        scaler.stats,
        lb.stats,
        scaler.createdInstances.map((s) => s.stats.busySeconds),
      ]);
    };
    expect(run(3)).toBe(run(3));
    expect(run(3)).not.toBe(run(4));
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    let k = 0;
    const lb = () => new LoadBalancer(sim, `lb${k}`, [new Server(sim, `w${k++}`, SERVER)]);
    const make =
      (o: Partial<AutoscalerOptions>, target = lb()) =>
      () =>
        new Autoscaler(sim, "a", target, { targetValue: 0.5, maxInstances: 3, server: SERVER, ...o });
    const bad: [Partial<AutoscalerOptions>, (string | number)[]][] = [
      [{ targetValue: 0 }, ["targetValue"]],
      [{ targetValue: 1.5 }, ["targetValue"]],
      [{ metric: "latency" as never }, ["metric"]],
      [{ evaluationInterval: 0 }, ["evaluationInterval"]],
      [{ scaleOutDelay: -1 }, ["scaleOutDelay"]],
      [{ scaleInCooldown: -1 }, ["scaleInCooldown"]],
      [{ coldStart: { slowdown: 0.5 } }, ["coldStart", "slowdown"]],
      [{ coldStart: { duration: -1 } }, ["coldStart", "duration"]],
      [{ coldStart: { failAbove: -1 } }, ["coldStart", "failAbove"]],
      [{ coldStart: { failAbove: 2.5 } }, ["coldStart", "failAbove"]],
      [{ minInstances: 0 }, ["minInstances"]],
      [{ minInstances: 4 }, ["maxInstances"]],
      [{ maxInstances: 2.5 }, ["maxInstances"]],
      [{ server: { serviceTime: constant(1), concurrency: 0 } }, ["server", "concurrency"]],
    ];
    for (const [options, path] of bad) expect(optionPath(make(options))).toEqual(path);
    // queueLength targets may exceed 1.
    expect(optionPath(make({ metric: "queueLength", targetValue: 5 }))).toBeNull();
    const taken = lb();
    make({}, taken)();
    expect(optionPath(make({}, taken))).toEqual(["target"]);
    const nested = new LoadBalancer(sim, "outer", [lb()]);
    expect(optionPath(make({}, nested))).toEqual(["target"]);
  });

  it("scenario files: the target must be a balancer; template errors point into server", () => {
    const text = (scaler: string) => `name: t
duration: 20
sources: { users: { target: client, profile: { kind: constant, rate: 30 } } }
clients: { client: { target: lb } }
balancers: { lb: { backends: [a] } }
autoscalers:
  scaler: ${scaler}
servers:
  a: { serviceTime: { kind: constant, value: 0.05 } }
`;
    const field = (scaler: string) => {
      try {
        runScenario(parseScenarioText(text(scaler), "t.yaml"));
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return (e as ScenarioError).issues[0]!.field;
      }
    };
    const ok =
      "{ target: lb, targetValue: 0.5, maxInstances: 3, evaluationInterval: 2, server: { serviceTime: { kind: constant, value: 0.05 } } }";
    expect(field(ok.replace("target: lb", "target: a"))).toBe("autoscalers.scaler.target");
    expect(field(ok.replace("target: lb", "target: nope"))).toBe("autoscalers.scaler.target");
    expect(field(ok.replace("value: 0.05 } }", "value: -1 } }"))).toMatch(
      /^autoscalers\.scaler\.server\.serviceTime/,
    );
    expect(field(ok.replace("server: {", "server: { threads: 2,"))).toMatch(/^autoscalers\.scaler\.server/);
    expect(field(ok.replace("maxInstances: 3", "maxInstances: 0"))).toBe("autoscalers.scaler.maxInstances");
    const out = runScenario(parseScenarioText(text(ok), "t.yaml"));
    // 30 req/s at 0.05 s is 150% of one worker: it scales to 3 (the maximum).
    expect(out.result.componentStats.scaler).toMatchObject({ scaleOuts: 2 });
    expect(out.series.gauges["scaler.instances"]!.at(-1)).toBe(3);
    expect(out.result.componentStats.lb!["forwarded.scaler-1"]).toBeGreaterThan(0);
  });
});
