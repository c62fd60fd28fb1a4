import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../../src/model/call.js";
import { LoadBalancer, type LoadBalancerOptions } from "../../../src/model/components/balancer.js";
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

/** A caller that records the answer to each of its calls and fails the test if one is answered twice. */
class TestCaller implements Caller {
  /** Answer to each call by token; null while unanswered. */
  readonly status: (ReplyStatus | null)[] = [];
  /** What `reply` returns: whether answers are still wanted. */
  wanted = true;
  /** A new call's token. */
  call(): number {
    return this.status.push(null) - 1;
  }
  reply(token: number, status: ReplyStatus): boolean {
    if (this.status[token] !== null) throw new Error(`call ${token} answered twice`);
    this.status[token] = status;
    return this.wanted;
  }
  /** Request number of call `token`; none unless a test says otherwise. */
  requestOf: (token: number) => number = () => -1;
}

function setup(options: LoadBalancerOptions = {}, services = [0.1, 0.1, 0.1], seed = 1) {
  const sim = new Simulation({ seed });
  const servers = services.map((s, i) => new Server(sim, `s${i + 1}`, { serviceTime: constant(s) }));
  const lb = new LoadBalancer(sim, "lb", servers, options);
  const calls = new TestCaller();
  /** Sends a call at time t with an optional relative timeout. */
  const send = (t: number, timeout = Number.POSITIVE_INFINITY) =>
    sim.scheduleAt(t, { handleEvent: () => lb.accept(calls, calls.call(), sim.now + timeout) });
  lb.start();
  return { sim, lb, servers, calls, send };
}

describe("load balancer", () => {
  it("roundRobin spreads calls evenly and counts them per backend", () => {
    const { sim, lb, calls, send } = setup();
    for (let i = 0; i < 30; i++) send(i * 0.01);
    sim.run();
    expect(lb.stats).toMatchObject({
      received: 30,
      forwarded: 30,
      unavailable: 0,
      "forwarded.s1": 10,
      "forwarded.s2": 10,
      "forwarded.s3": 10,
    });
    expect(calls.status.every((s) => s === "ok")).toBe(true);
    expect(lb.gauges()).toEqual({ healthyBackends: 3, backends: 3, inFlight: 0 });
    expect(lb.capacityPerSec).toBeCloseTo(30, 9);
  });

  it("leastOutstanding and powerOfTwo steer calls away from a slow backend", () => {
    for (const kind of ["leastOutstanding", "powerOfTwo"] as const) {
      const { sim, lb, send } = setup({ policy: { kind } }, [0.05, 0.05, 1]);
      for (let i = 0; i < 300; i++) send(i * 0.02);
      sim.run();
      expect(lb.stats["forwarded.s3"]).toBeLessThan(lb.stats["forwarded.s1"]! / 3);
    }
    const rr = setup({ policy: { kind: "roundRobin" } }, [0.05, 0.05, 1]);
    for (let i = 0; i < 300; i++) rr.send(i * 0.02);
    rr.sim.run();
    expect(rr.lb.stats["forwarded.s3"]).toBe(100);
  });

  it("random policies replay exactly with the same seed and differ with another", () => {
    const run = (kind: "random" | "powerOfTwo", seed: number) => {
      const { sim, servers, send } = setup({ policy: { kind } }, [0.1, 0.2, 0.3, 0.4], seed);
      const picks: string[] = [];
      for (const s of servers) {
        const accept = s.accept.bind(s);
        s.accept = (caller, token, deadline) => {
          picks.push(s.name);
          accept(caller, token, deadline);
        };
      }
      for (let i = 0; i < 200; i++) send(i * 0.03);
      sim.run();
      return picks.join(",");
    };
    for (const policy of ["random", "powerOfTwo"] as const) {
      expect(run(policy, 7)).toBe(run(policy, 7));
      expect(run(policy, 7)).not.toBe(run(policy, 8));
    }
  });

  it("a backend that stops answering is ejected after unhealthyThreshold probes and readmitted after healthyThreshold", () => {
    const { sim, lb, servers } = setup({
      healthCheck: { interval: 1, timeout: 0.5, unhealthyThreshold: 2, healthyThreshold: 3 },
    });
    const [s1] = servers;
    sim.scheduleAt(2.5, { handleEvent: () => s1!.pause() });
    sim.scheduleAt(10.5, { handleEvent: () => s1!.resume() });
    const healthy: number[] = [];
    for (let t = 1; t <= 16; t++)
      sim.scheduleAt(t + 0.9, { handleEvent: () => healthy.push(lb.healthyBackends) });
    sim.run({ until: 16.95 });
    // Probes at 3 and 4 fail (their timeouts at 3.5 and 4.5), so s1 is out from 4.5.
    // After the resume at 10.5 (and the held probes' late answers), probes at 11, 12, 13 pass.
    expect(healthy).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(lb.stats).toMatchObject({ ejections: 1, readmissions: 1, probes: 16 * 3 });
    // Rounds 3 to 10 fail: the probe of round 10 is still queued behind the others at its timeout.
    expect(lb.stats.probeFailures).toBe(8);
    expect(lb.capacityPerSec).toBeCloseTo(30, 9);
  });

  it("an overloaded backend fails its probe by timeout, because the probe waits in its queue", () => {
    const { sim, lb, servers } = setup(
      { healthCheck: { interval: 1, timeout: 0.3, unhealthyThreshold: 1, healthyThreshold: 1 } },
      [0.1],
    );
    // Ten calls queued at 0.95 put the probe of t = 1 behind 1 s of work.
    const caller = new TestCaller();
    for (let i = 0; i < 10; i++)
      sim.scheduleAt(0.95, {
        handleEvent: () => servers[0]!.accept(caller, caller.call(), Number.POSITIVE_INFINITY),
      });
    sim.run({ until: 1.5 });
    expect(lb.stats).toMatchObject({ probes: 1, probeFailures: 1, ejections: 1 });
    expect(lb.healthyBackends).toBe(0);
    // The probe's late answer is unwanted: the server counts it as wasted work.
    sim.run({ until: 2.5 });
    expect(servers[0]!.stats.wasted).toBe(1);
  });

  it("with no backend in rotation answers unavailable, or fails open", () => {
    for (const failOpen of [false, true]) {
      const { sim, lb, servers, calls, send } = setup(
        { healthCheck: { interval: 1, timeout: 0.5, unhealthyThreshold: 1 }, failOpen },
        [0.1, 0.1],
      );
      for (const s of servers) s.pause();
      sim.run({ until: 1.6 });
      expect(lb.healthyBackends).toBe(0);
      for (const s of servers) s.resume();
      send(1.7);
      sim.run({ until: 1.75 });
      expect(lb.stats.unavailable).toBe(failOpen ? 0 : 1);
      expect(lb.stats.forwarded).toBe(failOpen ? 1 : 0);
      expect(lb.capacityPerSec).toBeCloseTo(failOpen ? 20 : 0, 9);
      sim.run({ until: 2 });
      expect(calls.status[0]).toBe(failOpen ? "ok" : "unavailable");
    }
  });

  it("maxEjectedFraction keeps failing backends in rotation beyond the cap", () => {
    const { sim, lb, servers } = setup(
      { healthCheck: { interval: 1, timeout: 0.5, unhealthyThreshold: 1 }, maxEjectedFraction: 0.5 },
      [0.1, 0.1, 0.1, 0.1],
    );
    for (const s of servers.slice(0, 3)) s.pause();
    sim.run({ until: 3.6 });
    expect(lb.healthyBackends).toBe(2);
    expect(lb.stats.ejections).toBe(2);
    expect(lb.stats.ejectionsCapped).toBeGreaterThanOrEqual(3);
  });

  it("backends join and leave at runtime; calls already sent are still answered", () => {
    const { sim, lb, calls, send } = setup({}, [1]);
    const extra = new Server(sim, "extra", { serviceTime: constant(1) });
    send(0);
    sim.scheduleAt(0.5, { handleEvent: () => lb.addBackend(extra) });
    send(0.6);
    send(0.7);
    sim.scheduleAt(0.8, { handleEvent: () => lb.removeBackend(extra) });
    send(0.9);
    sim.run();
    expect(lb.stats).toMatchObject({ "forwarded.s1": 3, "forwarded.extra": 1 });
    expect(extra.stats.served).toBe(1);
    expect(calls.status.every((s) => s === "ok")).toBe(true);
    expect(() => lb.addBackend(lb.backends[0]!)).toThrow(/already has/);
    expect(() => lb.removeBackend(extra)).toThrow(/no backend/);
  });

  it("conservation: every call answered once, counters add up, lost calls stop counting at their deadline", () => {
    const { sim, lb, servers, calls, send } = setup(
      {
        policy: { kind: "leastOutstanding" },
        healthCheck: { interval: 0.5, timeout: 0.2, unhealthyThreshold: 2, healthyThreshold: 2 },
      },
      [0.05, 0.08, 0.3],
    );
    for (let i = 0; i < 2000; i++) send(i * 0.005, 1);
    // A crash loses what s2 holds: those calls are answered "lost", which a client ignores.
    sim.scheduleAt(3, { handleEvent: () => servers[1]!.restart() });
    sim.run({ until: 30 });
    const s = lb.stats;
    expect(s.received).toBe(2000);
    expect(s.forwarded + s.unavailable).toBe(s.received);
    expect(s["forwarded.s1"]! + s["forwarded.s2"]! + s["forwarded.s3"]!).toBe(s.forwarded);
    expect(calls.status.includes(null)).toBe(false);
    const lost = calls.status.filter((c) => c === "lost").length;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(servers[1]!.stats.dropped);
    expect(lb.gauges().inFlight).toBe(0);
    expect(lb.forwardTable.inUse).toBe(0);
    expect(s.probeFailures).toBeLessThanOrEqual(s.probes);
  });

  it("recycles the slots of answered calls, so its table stays as small as the calls in flight", () => {
    const { sim, lb, calls, send } = setup({}, [0.02, 0.02, 0.02]);
    for (let i = 0; i < 10_000; i++) send(i * 0.01, i % 2 === 0 ? 1 : Number.POSITIVE_INFINITY);
    sim.run();
    expect(calls.status.every((s) => s === "ok")).toBe(true);
    // At most two or three calls are in flight at once (0.02 s of service every 0.01 s).
    expect(lb.forwardTable.size).toBeLessThanOrEqual(3);
    expect(lb.forwardTable.inUse).toBe(0);
  });

  it("passes the caller's request number on to the backend", () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const backend = {
      name: "b",
      capacityPerSec: 1,
      accept: (caller: Caller, token: number) => {
        seen.push(caller.requestOf(token));
        caller.reply(token, "ok");
      },
    };
    const lb = new LoadBalancer(sim, "lb", [backend]);
    const caller = new TestCaller();
    caller.requestOf = (token: number) => 100 + token;
    for (let i = 0; i < 3; i++) lb.accept(caller, caller.call(), 5);
    expect(seen).toEqual([100, 101, 102]);
  });

  it("a late answer after the deadline still reaches the caller, who may no longer want it", () => {
    const { sim, lb, servers, calls, send } = setup({}, [0.1]);
    calls.wanted = false;
    send(0, 0.05);
    sim.run({ until: 0.06 });
    // Expired: no longer outstanding, but the slot waits for the answer.
    expect(lb.gauges().inFlight).toBe(0);
    expect(lb.forwardTable.inUse).toBe(1);
    sim.run();
    expect(calls.status).toEqual(["ok"]);
    expect(servers[0]!.stats.wasted).toBe(1);
    expect(lb.forwardTable).toEqual({ size: 1, inUse: 0 });
  });

  it("a restart's lost answers are passed on; their slots are freed once the calls expire", () => {
    const { sim, lb, servers, calls, send } = setup({}, [1]);
    // Five calls: one in service, four waiting, all wanted until 2 s.
    for (let i = 0; i < 5; i++) send(0, 2);
    // And one without a deadline.
    send(0);
    sim.scheduleAt(0.5, { handleEvent: () => servers[0]!.restart() });
    sim.run({ until: 1.5 });
    // The waiting calls are answered "lost" at the restart, the one in service when its work ends.
    expect(calls.status).toEqual(["lost", "lost", "lost", "lost", "lost", "lost"]);
    // Lost calls count until their deadline, as calls never answered did; the one without a
    // deadline counts for good, but nothing will refer to its slot again.
    expect(lb.gauges().inFlight).toBe(6);
    expect(lb.forwardTable).toEqual({ size: 6, inUse: 5 });
    sim.run({ until: 2.5 });
    expect(lb.gauges().inFlight).toBe(1);
    expect(lb.forwardTable).toEqual({ size: 6, inUse: 0 });
    // New calls reuse the free slots.
    for (let i = 0; i < 6; i++) send(3, 2);
    sim.run();
    expect(calls.status.slice(6).every((s) => s === "ok")).toBe(true);
    expect(lb.forwardTable).toEqual({ size: 6, inUse: 0 });
  });

  it("a probe lost in a restart fails at its timeout, not before", () => {
    const { sim, lb, servers } = setup(
      { healthCheck: { interval: 1, timeout: 0.5, unhealthyThreshold: 1 } },
      [0.1, 0.1],
    );
    // The probe of t = 1 waits in the paused s1, and the restart loses it.
    sim.scheduleAt(0.9, { handleEvent: () => servers[0]!.pause() });
    sim.scheduleAt(1.2, { handleEvent: () => servers[0]!.restart() });
    sim.run({ until: 1.4 });
    expect(lb.stats).toMatchObject({ probes: 2, probeFailures: 0 });
    expect(lb.healthyBackends).toBe(2);
    sim.run({ until: 1.6 });
    expect(lb.stats).toMatchObject({ probes: 2, probeFailures: 1, ejections: 1 });
    expect(lb.healthyBackends).toBe(1);
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const a = new Server(sim, "a", { serviceTime: constant(1) });
    const b = new Server(sim, "b", { serviceTime: constant(1) });
    const lb = (backends: Server[], o: LoadBalancerOptions) => () => new LoadBalancer(sim, "x", backends, o);
    expect(optionPath(lb([], {}))).toEqual(["backends"]);
    expect(optionPath(lb([a, b, a], {}))).toEqual(["backends", 2]);
    expect(optionPath(lb([a], { policy: { kind: "fastest" } as never }))).toEqual(["policy", "kind"]);
    expect(optionPath(lb([a], { failOpen: true }))).toEqual(["failOpen"]);
    expect(optionPath(lb([a], { maxEjectedFraction: 0.5 }))).toEqual(["maxEjectedFraction"]);
    expect(optionPath(lb([a], { healthCheck: {}, maxEjectedFraction: 2 }))).toEqual(["maxEjectedFraction"]);
    expect(optionPath(lb([a], { healthCheck: { interval: 0 } }))).toEqual(["healthCheck", "interval"]);
    expect(optionPath(lb([a], { healthCheck: { interval: 1, timeout: 2 } }))).toEqual([
      "healthCheck",
      "timeout",
    ]);
    expect(optionPath(lb([a], { healthCheck: { unhealthyThreshold: 0 } }))).toEqual([
      "healthCheck",
      "unhealthyThreshold",
    ]);
    expect(optionPath(lb([a], { healthCheck: { healthyThreshold: 1.5 } }))).toEqual([
      "healthCheck",
      "healthyThreshold",
    ]);
  });

  it("scenario files: references, errors at the field, and a run", () => {
    const text = (lb: string) => `name: t
duration: 5
sources: { users: { target: client, profile: { kind: constant, rate: 20 } } }
clients: { client: { target: lb } }
balancers:
  lb: ${lb}
servers:
  a: { serviceTime: { kind: exponential, mean: 0.05 } }
  b: { serviceTime: { kind: exponential, mean: 0.05 } }
`;
    const field = (lb: string) => {
      try {
        runScenario(parseScenarioText(text(lb), "t.yaml"));
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return (e as ScenarioError).issues[0]!.field;
      }
    };
    expect(field("{ backends: [a, nope] }")).toBe("balancers.lb.backends.1");
    expect(field("{ backends: [a, client] }")).toBe("balancers.lb.backends.1");
    expect(field("{ backends: [a], healthCheck: { interval: 1, timeout: 3 } }")).toBe(
      "balancers.lb.healthCheck.timeout",
    );
    expect(field("{ backends: [a], policy: { kind: fastest } }")).toBe("balancers.lb.policy.kind");
    expect(field("{ backends: [a], wieght: 1 }")).toMatch(/^balancers\.lb/);
    const out = runScenario(
      parseScenarioText(
        text("{ backends: [a, b], policy: { kind: powerOfTwo }, healthCheck: { interval: 1 } }"),
        "t.yaml",
      ),
    );
    // Rounds at 1, 2, 3, 4 and 5 s, two backends each.
    expect(out.result.componentStats.lb).toMatchObject({ probes: 10, probeFailures: 0 });
    expect(out.result.componentStats.lb!.forwarded).toBe(out.result.totals.attempts);
    expect(out.series.gauges["lb.healthyBackends"]!.every((v) => v === 2)).toBe(true);
  });
});
