import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus, Service } from "../../../src/model/call.js";
import { ConnectionPool, type ConnectionPoolOptions } from "../../../src/model/components/pool.js";
import { Server } from "../../../src/model/components/server.js";
import { Recycling } from "../../../src/model/pool/recycling.js";
import { optionPath } from "../option-path.js";
import { TestCaller } from "../test-caller.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/** A backend that can be switched off: while down it answers every call "unavailable" at once. */
class Switchable implements Service {
  readonly capacityPerSec = 10;
  down = false;
  calls = 0;
  constructor(
    private readonly sim: Simulation,
    readonly name: string,
  ) {}
  accept(caller: Caller, token: number): void {
    this.calls++;
    const status: ReplyStatus = this.down ? "unavailable" : "ok";
    if (this.down) caller.reply(token, status);
    else this.sim.schedule(0.01, { handleEvent: () => caller.reply(token, status) });
  }
}

function setup(options: ConnectionPoolOptions, backends = 2) {
  const sim = new Simulation({ seed: 1 });
  const servers = Array.from({ length: backends }, (_, i) => new Switchable(sim, `s${i}`));
  const pool = new ConnectionPool(sim, "p", servers, options);
  const caller = new TestCaller(sim);
  let sent = 0;
  const send = (at: number) => {
    const token = sent++;
    sim.scheduleAt(at, { handleEvent: () => pool.accept(caller, token, Number.POSITIVE_INFINITY) });
  };
  return { sim, servers, pool, send };
}

describe("connection recycling", () => {
  it("least connections: the backend with the fewest, skipping one that just refused", () => {
    const rng = new Simulation({ seed: 1 }).stream("r");
    const r = new Recycling({ maxAge: 10, reconnectTo: "leastConnections" }, 3, rng);
    r.connections.splice(0, 3, 3, 3, 3);
    // Leaving backend 0 makes it the one with fewest (2 of 3): it reconnects there.
    expect(r.reconnect(0, false)).toBe(0);
    // Refused there: the fewest of the others, ties to the first.
    expect(r.reconnect(0, true)).toBe(1);
    expect(r.connections).toEqual([2, 4, 3]);
    expect(r.reconnect(1, false)).toBe(0);
    expect(r.connections).toEqual([3, 3, 3]);
  });

  it("random: any backend, never the one that just refused; same: stays", () => {
    const rng = new Simulation({ seed: 1 }).stream("r");
    const random = new Recycling({ maxAge: 10, reconnectTo: "random" }, 4, rng);
    random.connections.splice(0, 4, 100, 0, 0, 0);
    const landed = [0, 0, 0, 0];
    for (let i = 0; i < 100; i++) landed[random.reconnect(0, true)]!++;
    expect(landed[0]).toBe(0);
    expect(random.connections).toEqual([0, ...landed.slice(1)]);
    for (const n of landed.slice(1)) expect(n).toBeGreaterThan(15);
    const same = new Recycling({ maxAge: 10, reconnectTo: "same" }, 2, rng);
    same.connections.splice(0, 2, 1, 1);
    expect(same.reconnect(1, true)).toBe(1);
  });

  it("each connection's age limit is drawn within 10% of maxAge; none without maxAge", () => {
    const rng = new Simulation({ seed: 1 }).stream("r");
    const r = new Recycling({ maxAge: 20, reconnectTo: "same" }, 1, rng);
    const ages = Array.from({ length: 1000 }, () => r.expiry(5) - 5);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(22);
    expect(Math.max(...ages) - Math.min(...ages)).toBeGreaterThan(3.9);
    const never = new Recycling({ maxAge: Number.POSITIVE_INFINITY, reconnectTo: "same" }, 1, rng);
    expect(never.expiry(5)).toBe(Number.POSITIVE_INFINITY);
  });

  it("a pool recycles a connection answered after its age limit and reconnects it at once", () => {
    // One connection, maxAge 1 (0.9-1.1 s): the call at 0 is answered at 0.01, in time; the one at
    // 2 is answered at 2.01, past the limit, so the connection is recycled: one handshake (0.01 s),
    // connected again at 2.02 with a new limit after 2.92, so the call at 2.5 keeps it.
    const { sim, pool, send, servers } = setup({ size: 1, maxAge: 1 }, 1);
    for (const t of [0, 2, 2.5]) send(t);
    sim.run();
    expect(pool.stats).toMatchObject({ ok: 3, recycled: 1, reconnects: 1, handshakes: 1, closed: 0 });
    // Three calls and one handshake reached the backend.
    expect(servers[0]!.calls).toBe(4);
  });

  it("fails over while a backend is unreachable, stays pinned without recycling, rebalances with it", () => {
    for (const [maxAge, onS0] of [
      [Number.POSITIVE_INFINITY, 0],
      [5, 2],
    ] as const) {
      const { sim, pool, send, servers } = setup(
        { size: 4, selection: { kind: "lru" }, reconnectTo: "leastConnections", reconnectCost: 1, maxAge },
        2,
      );
      servers[0]!.down = true;
      // Calls on s0's two connections are refused: they close, find s0 refusing the handshake
      // too, and fail over to s1.
      for (let t = 0; t < 1; t += 0.1) send(t);
      sim.scheduleAt(2, { handleEvent: () => (servers[0]!.down = false) });
      for (let t = 3; t < 30; t += 0.1) send(t);
      sim.run({ until: 1.5 });
      expect(pool.gauges()).toMatchObject({ "connections.s0": 0, "connections.s1": 4 });
      sim.run();
      expect(pool.gauges()["connections.s0"]).toBe(onS0);
    }
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const servers = [new Server(sim, "s", { serviceTime: constant(0.1) })];
    const path = (options: unknown) =>
      optionPath(() => new ConnectionPool(sim, "p", servers, options as ConnectionPoolOptions));
    expect(path({ maxAge: 0 })).toEqual(["maxAge"]);
    expect(path({ reconnectTo: "nearest" })).toEqual(["reconnectTo"]);
    expect(new ConnectionPool(sim, "p", servers, { maxAge: 30 }).describe()).toMatchObject({
      maxAge: "30 s",
      reconnectTo: "same",
    });
  });
});
