import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { createDistribution } from "../../../src/engine/distributions.js";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus, Service } from "../../../src/model/call.js";
import { Client } from "../../../src/model/components/client.js";
import { ConnectionPool, type ConnectionPoolOptions } from "../../../src/model/components/pool.js";
import { Server } from "../../../src/model/components/server.js";
import { buildModel } from "../../../src/scenario/build.js";
import { parseScenarioText } from "../../../src/scenario/parse.js";
import { ScenarioError } from "../../../src/scenario/scenario-error.js";
import { TestCaller } from "../test-caller.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/**
 * A pool in front of `backends` servers, and `send(at, deadline)`, which sends call n (tokens
 * count from 0) at time `at`; `caller` records the answers (and fails the test on a second one).
 */
function setup(options: ConnectionPoolOptions = {}, service = 0.1, backends = 2) {
  const sim = new Simulation({ seed: 1 });
  const servers = Array.from(
    { length: backends },
    (_, i) => new Server(sim, `s${i}`, { serviceTime: constant(service) }),
  );
  const pool = new ConnectionPool(sim, "p", servers, options);
  const caller = new TestCaller(sim);
  let sent = 0;
  const send = (at: number, deadline = Number.POSITIVE_INFINITY) => {
    const token = sent++;
    sim.scheduleAt(at, { handleEvent: () => pool.accept(caller, token, deadline) });
  };
  return { sim, servers, pool, caller, send };
}

/**
 * A backend that answers its calls in turn after the delay and with the status of the next step
 * of `script`, and records the tokens it was given and what the pool said of their requests.
 */
class ScriptedBackend implements Service {
  readonly name = "b";
  readonly capacityPerSec = 1;
  maxToken = -1;
  readonly requests: number[] = [];
  private step = 0;
  constructor(
    private readonly sim: Simulation,
    private readonly script: readonly (readonly [delay: number, status: ReplyStatus])[],
  ) {}
  accept(caller: Caller, token: number): void {
    this.maxToken = Math.max(this.maxToken, token);
    this.requests.push(caller.requestOf(token));
    const [delay, status] = this.script[this.step++ % this.script.length]!;
    this.sim.schedule(delay, { handleEvent: () => caller.reply(token, status) });
  }
}

describe("connection pool", () => {
  it("MRU keeps reusing the connection released last; LRU takes turns over every connection", () => {
    for (const [selection, expected] of [
      ["mru", { "dispatched.s0": 0, "dispatched.s1": 10 }],
      ["lru", { "dispatched.s0": 5, "dispatched.s1": 5 }],
    ] as const) {
      const { sim, pool, send } = setup({ size: 4, selection: { kind: selection } });
      // One call at a time: each finds the previous one's connection idle again.
      for (let i = 0; i < 10; i++) send(i);
      sim.run();
      expect(pool.stats).toMatchObject({ received: 10, dispatched: 10, ok: 10, ...expected });
    }
  });

  it("calls wait for a free connection, in order; past queueCapacity they are refused", () => {
    const { sim, pool, caller, send } = setup({ size: 2, queueCapacity: 1 });
    for (let i = 0; i < 4; i++) send(0);
    sim.run();
    expect([0, 1, 2, 3].map((t) => caller.status.get(t))).toEqual(["ok", "ok", "ok", "rejected"]);
    expect(pool.stats).toMatchObject({ dispatched: 3, rejected: 1 });
    expect(sim.now).toBeCloseTo(0.2, 9);
  });

  it("a call whose deadline passes while waiting is answered expired and never sent", () => {
    const { sim, pool, servers, caller, send } = setup({ size: 2 }, 1);
    send(0);
    send(0);
    send(0, 0.5);
    sim.run();
    expect(caller.status.get(2)).toBe("expired");
    expect(pool.stats).toMatchObject({ dispatched: 2, expired: 1 });
    expect(servers[0]!.stats.arrived + servers[1]!.stats.arrived).toBe(2);
  });

  it("a timeout closes the connection; reconnecting costs the backend reconnectCost handshake calls", () => {
    const { sim, pool, servers, caller, send } = setup(
      { size: 2, reconnectCost: 2, connectTimeout: 5, reconnectBackoff: { kind: "fixed", delay: 0.5 } },
      1,
      1,
    );
    send(0, 0.3);
    sim.run({ until: 2.9 });
    expect(pool.gauges()).toMatchObject({ idle: 1, down: 1 });
    sim.run({ until: 100 });
    expect(caller.status.get(0)).toBe("expired");
    // The abandoned call is still served (wasted), then the two handshakes.
    expect(servers[0]!.stats).toMatchObject({ arrived: 3, served: 3, wasted: 1 });
    expect(pool.stats).toMatchObject({ timedOut: 1, closed: 1, handshakes: 2, reconnects: 1 });
    // Closed at 0.3, reconnect at 0.8, handshakes wait for the abandoned call (done at 1), 1 s each.
    expect(pool.gauges()).toMatchObject({ idle: 2, busy: 0, down: 0 });
  });

  it("with closeOnTimeout false the connection stays busy until the late answer, and nothing reconnects", () => {
    const { sim, pool, servers, caller, send } = setup({ size: 1, closeOnTimeout: false }, 1, 1);
    send(0, 0.3);
    send(0.5);
    sim.run();
    expect(caller.status.get(0)).toBe("expired");
    expect(caller.status.get(1)).toBe("ok");
    expect(pool.stats).toMatchObject({ timedOut: 1, closed: 0, handshakes: 0 });
    // The second call waited for the first one's late answer at 1 s.
    expect(sim.now).toBeCloseTo(2, 9);
    expect(servers[0]!.stats.wasted).toBe(1);
  });

  it("an error answer closes the connection unless closeOnError is false", () => {
    for (const closeOnError of [true, false]) {
      const { sim, pool, servers, caller, send } = setup({ size: 1, closeOnError, reconnectCost: 1 }, 0.1, 1);
      servers[0]!.setErrorRate(1);
      send(0);
      // The error is answered at once (errorCost 0); the reconnect comes 0.1 s later.
      sim.run({ until: 0.05 });
      servers[0]!.setErrorRate(0);
      sim.run();
      expect(caller.status.get(0)).toBe("error");
      expect(pool.stats).toMatchObject({ failed: 1, closed: closeOnError ? 1 : 0 });
      expect(pool.stats.handshakes).toBe(closeOnError ? 1 : 0);
    }
  });

  it("against an unreachable backend reconnects back off instead of spinning", () => {
    const { sim, pool, servers, send } = setup(
      { size: 1, reconnectBackoff: { kind: "exponential", base: 1, cap: 8 } },
      0.1,
      1,
    );
    servers[0]!.setReachable(false);
    send(0);
    sim.run({ until: 60 });
    // 1 + 2 + 4 + 8 + 8 + ... : a handful of attempts in a minute, each failing at once.
    expect(pool.stats.handshakes).toBeGreaterThan(5);
    expect(pool.stats.handshakes).toBeLessThan(12);
    expect(pool.stats.connectFailures).toBe(pool.stats.handshakes);
    servers[0]!.setReachable(true);
    sim.run({ until: 80 });
    expect(pool.gauges()).toMatchObject({ idle: 1, down: 0 });
  });

  it("answers every call at most once, and its counters add up", () => {
    const sim = new Simulation({ seed: 7 });
    const db = new Server(sim, "db", {
      serviceTime: createDistribution({ kind: "exponential", mean: 0.1 }),
      concurrency: 4,
    });
    const pool = new ConnectionPool(sim, "p", [db], { size: 20, reconnectCost: 2, queueCapacity: 50 });
    // A second answer to a call fails the run.
    const caller = new TestCaller(sim);
    const rng = sim.stream("test");
    for (let i = 0; i < 3000; i++) {
      sim.scheduleAt(i * 0.01, {
        handleEvent: () => pool.accept(caller, i, sim.now + 0.2 + rng.next() * 0.5),
      });
    }
    sim.scheduleAt(10, { handleEvent: () => db.setSlowdown(5) });
    sim.scheduleAt(15, { handleEvent: () => db.setSlowdown(1) });
    sim.run({ until: 20 });
    const s = pool.stats;
    const g = pool.gauges();
    const answered = s.ok + s.failed + s.timedOut + s.expired + s.rejected;
    expect(caller.status.size).toBe(answered);
    expect(s.received).toBe(answered + g.waiting! + g.busy!);
    expect(s.dispatched).toBe(s.ok + s.failed + s.timedOut + g.busy!);
    expect(g.idle! + g.busy! + g.down!).toBe(20);
    expect(s.closed).toBeGreaterThan(0);
    sim.run();
    expect(caller.status.size).toBe(3000);
  });

  it("a call lost in a backend restart still times out at its deadline and its connection reconnects", () => {
    const { sim, pool, servers, caller, send } = setup({ size: 1, connectTimeout: 2 }, 1, 1);
    send(0, 0.5);
    sim.scheduleAt(0.2, { handleEvent: () => servers[0]!.restart() });
    sim.run();
    expect(caller.status.get(0)).toBe("expired");
    expect(caller.at.get(0)).toBe(0.5);
    expect(pool.stats).toMatchObject({ timedOut: 1, closed: 1, handshakes: 1, reconnects: 1 });
    expect(pool.gauges()).toMatchObject({ idle: 1, busy: 0, down: 0 });
  });

  it("tells a backend which request a call belongs to; a handshake belongs to none", () => {
    const sim = new Simulation();
    const backend = new ScriptedBackend(sim, [
      [0.1, "error"],
      [0.1, "ok"],
      [0.1, "ok"],
    ]);
    const pool = new ConnectionPool(sim, "p", [backend], { size: 1, reconnectCost: 1 });
    // Request 100 + t for the call with token t.
    const caller: Caller = { reply: () => true, requestOf: (token) => 100 + token };
    sim.scheduleAt(0, { handleEvent: () => pool.accept(caller, 7, Number.POSITIVE_INFINITY) });
    sim.scheduleAt(1, { handleEvent: () => pool.accept(caller, 8, Number.POSITIVE_INFINITY) });
    sim.run();
    // The error closed the connection; the reconnect's handshake came before call 8.
    expect(backend.requests).toEqual([107, -1, 108]);
  });

  it("reuses its wire slots: however many calls, the backend sees only a few tokens", () => {
    // Answers of every kind, on time and late, and handshakes, which take their turn in the script.
    const cases = [
      // Lost calls, before and after their deadline, still close their connection at the deadline.
      [
        true,
        [
          [0.01, "ok"],
          [0.01, "error"],
          [0.05, "lost"],
          [0.5, "ok"],
          [0.5, "lost"],
          [0.01, "ok"],
        ],
      ],
      // Kept connections wait for late answers (a lost call would keep its connection for good).
      [
        false,
        [
          [0.01, "ok"],
          [0.01, "error"],
          [0.5, "ok"],
          [0.01, "ok"],
        ],
      ],
    ] as const;
    for (const [closeOnTimeout, script] of cases) {
      const sim = new Simulation();
      const backend = new ScriptedBackend(sim, script);
      const pool = new ConnectionPool(sim, "p", [backend], { size: 4, closeOnTimeout });
      const caller = new TestCaller(sim);
      for (let i = 0; i < 10_000; i++) {
        sim.scheduleAt(i * 0.05, { handleEvent: () => pool.accept(caller, i, i * 0.05 + 0.2) });
      }
      sim.run();
      expect(caller.status.size).toBe(10_000);
      expect(backend.requests.length).toBeGreaterThan(4000);
      expect(backend.maxToken).toBeLessThan(20);
    }
    // A lost call without a deadline keeps its connection busy, as before, but not its slot.
    const sim = new Simulation();
    const backend = new ScriptedBackend(sim, [[0.01, "lost"]]);
    const pool = new ConnectionPool(sim, "p", [backend], { size: 100 });
    const caller = new TestCaller(sim);
    for (let i = 0; i < 100; i++) {
      sim.scheduleAt(i, { handleEvent: () => pool.accept(caller, i, Number.POSITIVE_INFINITY) });
    }
    sim.run();
    expect(pool.gauges()).toMatchObject({ busy: 100, idle: 0 });
    expect(backend.maxToken).toBe(0);
  });

  it("replays identically with the same seed", () => {
    const run = () => {
      const sim = new Simulation({ seed: 3 });
      const db = new Server(sim, "db", {
        serviceTime: createDistribution({ kind: "exponential", mean: 0.05 }),
      });
      const pool = new ConnectionPool(sim, "p", [db], {
        size: 5,
        reconnectBackoff: { kind: "exponential", base: 0.1, jitter: "full" },
      });
      const client = new Client(sim, "c", pool, { timeout: 0.1 });
      for (let i = 0; i < 500; i++) sim.scheduleAt(i * 0.03, { handleEvent: () => client.request() });
      sim.run();
      return JSON.stringify([pool.stats, client.stats, db.stats]);
    };
    expect(run()).toBe(run());
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const a = new Server(sim, "a", { serviceTime: constant(1) });
    const b = new Server(sim, "b", { serviceTime: constant(1) });
    const path = (backends: Service[], options: Record<string, unknown>) => {
      try {
        new ConnectionPool(sim, "p", backends, options as ConnectionPoolOptions);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return (e as OptionError).path;
      }
    };
    expect(path([], {})).toEqual(["backends"]);
    expect(path([a, a], {})).toEqual(["backends", 1]);
    expect(path([a, b], { size: 1 })).toEqual(["size"]);
    expect(path([a], { size: 2.5 })).toEqual(["size"]);
    expect(path([a], { selection: { kind: "random" } as never })).toEqual(["selection", "kind"]);
    expect(path([a], { reconnectCost: -1 })).toEqual(["reconnectCost"]);
    expect(path([a], { connectTimeout: 0 })).toEqual(["connectTimeout"]);
    expect(path([a], { closeOnTimeout: "yes" })).toEqual(["closeOnTimeout"]);
    expect(path([a], { closeOnError: 1 })).toEqual(["closeOnError"]);
    expect(path([a], { reconnectBackoff: { kind: "fixed", delay: -1 } })).toEqual([
      "reconnectBackoff",
      "delay",
    ]);
    expect(path([a], { queueCapacity: -1 })).toEqual(["queueCapacity"]);
    expect(path([a, b], {})).toBeNull();
  });

  it("reports a bad option in a scenario file at its field", () => {
    const text = `
name: t
duration: 1
sources: { s: { target: c, profile: { kind: constant, rate: 1 } } }
clients: { c: { target: p } }
pools:
  p:
    backends: [db]
    reconnectCost: 1.5
servers: { db: { serviceTime: { kind: constant, value: 0.1 } } }
`;
    try {
      buildModel(parseScenarioText(text, "t.yaml"));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).issues[0]).toMatchObject({ field: "pools.p.reconnectCost", line: 9 });
    }
  });
});
