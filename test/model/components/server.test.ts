import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../../src/model/call.js";
import { Server, type ServerOptions } from "../../../src/model/components/server.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/** How and when one call was answered (status null: not yet). */
interface Sent {
  status: ReplyStatus | null;
  at: number;
}

function setup(options: Partial<ServerOptions> = {}) {
  const sim = new Simulation({ seed: 1 });
  const srv = new Server(sim, "s", { serviceTime: constant(0.1), ...options });
  const sent: Sent[] = [];
  // Tokens index `sent`; a second answer to one call fails the test.
  const caller: Caller = {
    reply(token, status) {
      const c = sent[token]!;
      if (c.status !== null) throw new Error(`call ${token} answered twice`);
      c.status = status;
      c.at = sim.now;
      return true;
    },
    requestOf: () => -1,
  };
  /** Sends a call at time t. */
  const send = (t: number, deadline = Number.POSITIVE_INFINITY) => {
    const c: Sent = { status: null, at: Number.NaN };
    const token = sent.length;
    sent.push(c);
    sim.scheduleAt(t, { handleEvent: () => srv.accept(caller, token, deadline) });
    return c;
  };
  /** Runs `fn` at time t. */
  const at = (t: number, fn: () => void) => sim.scheduleAt(t, { handleEvent: fn });
  return { sim, srv, sent, send, at };
}

/** Every call that arrived is answered, waiting or in service: the counters add up. */
function conserved(srv: Server): void {
  const s = srv.stats;
  const answered = s.served + s.rejected + s.expired + s.errors + s.dropped;
  expect(answered + srv.queueLength + srv.inFlight).toBe(s.arrived);
}

describe("server faults", () => {
  it("pause holds completions and new starts until resume", () => {
    const { sim, srv, send, at } = setup();
    const a = send(0);
    const b = send(0.02);
    at(0.05, () => srv.pause());
    const c = send(0.5);
    at(1, () => srv.resume());
    sim.run({ until: 0.99 });
    expect([a.status, b.status, c.status]).toEqual([null, null, null]);
    expect(srv.inFlight).toBe(1);
    expect(srv.queueLength).toBe(2);
    conserved(srv);
    sim.run();
    // a's work ended at 0.1 but is answered at the resume; then b and c run one after the other.
    expect([a.at, b.at, c.at].map((t) => Number(t.toFixed(9)))).toEqual([1, 1.1, 1.2]);
    expect(srv.stats.served).toBe(3);
    conserved(srv);
  });

  it("slowdown multiplies service time, and undoing it restores the normal time", () => {
    const { sim, srv, send, at } = setup();
    at(0, () => srv.setSlowdown(3));
    const slow = send(0);
    at(1, () => srv.setSlowdown(1));
    const normal = send(1);
    sim.run();
    expect(slow.at).toBeCloseTo(0.3, 9);
    expect(normal.at).toBeCloseTo(1.1, 9);
    expect(srv.stats.busySeconds).toBeCloseTo(0.4, 9);
  });

  it("errors with an errorCost occupy a worker for errorCost x a service time", () => {
    const { sim, srv, send, at } = setup({ errorCost: 4 });
    at(0, () => srv.setErrorRate(1));
    const a = send(0);
    const b = send(0);
    at(0.5, () => srv.setErrorRate(0));
    const c = send(0.5);
    sim.run();
    expect([a.status, b.status, c.status]).toEqual(["error", "error", "ok"]);
    // b waits for a's 0.4 s error path; c waits for b's, which ends at 0.8.
    expect([a.at, b.at, c.at].map((t) => Number(t.toFixed(9)))).toEqual([0.4, 0.8, 0.9]);
    expect(srv.stats).toMatchObject({ errors: 2, served: 1 });
    expect(srv.stats.busySeconds).toBeCloseTo(0.9, 9);
    conserved(srv);
  });

  it("errors without an errorCost are answered at once and take no worker time", () => {
    const { sim, srv, send, at } = setup();
    at(0, () => srv.setErrorRate(1));
    const a = send(0);
    const b = send(0);
    sim.run();
    expect([a.status, a.at, b.status, b.at]).toEqual(["error", 0, "error", 0]);
    expect(srv.stats.busySeconds).toBe(0);
  });

  it("an error rate draws from its own stream: a fraction of calls fail", () => {
    const { sim, srv, send, at } = setup({ concurrency: 1000 });
    at(0, () => srv.setErrorRate(0.25));
    for (let i = 0; i < 4000; i++) send(i * 0.001);
    sim.run();
    expect(srv.stats.errors / 4000).toBeGreaterThan(0.22);
    expect(srv.stats.errors / 4000).toBeLessThan(0.28);
    conserved(srv);
  });

  it("an expired call with an errorCost occupies a worker", () => {
    const { sim, srv, send } = setup({ dropExpired: true, errorCost: 2 });
    const a = send(0);
    const b = send(0, 0.05);
    const c = send(0);
    sim.run();
    // b's deadline passed while a was served; answering that costs 0.2 s before c can start.
    expect(
      [a.at, b.status, b.at, c.at].map((x) => (typeof x === "number" ? Number(x.toFixed(9)) : x)),
    ).toEqual([0.1, "expired", 0.3, 0.4]);
    expect(srv.stats).toMatchObject({ served: 2, expired: 1 });
  });

  it("restart drops what waits and what runs; old jobs' completions are ignored", () => {
    const { sim, srv, sent, send, at } = setup({ concurrency: 2 });
    for (let i = 0; i < 5; i++) send(0);
    at(0.05, () => srv.restart());
    const fresh = send(0.06);
    sim.run();
    // Every dropped call is answered "lost" (so forwarders can let go of it): the waiting ones at
    // the restart, the two old jobs when they would have ended, without freeing a worker twice.
    expect(sent.slice(0, 5).map((c) => [c.status, c.at])).toEqual([
      ["lost", 0.1],
      ["lost", 0.1],
      ["lost", 0.05],
      ["lost", 0.05],
      ["lost", 0.05],
    ]);
    expect(fresh.status).toBe("ok");
    expect(fresh.at).toBeCloseTo(0.16, 9);
    expect(srv.stats).toMatchObject({ arrived: 6, dropped: 5, served: 1 });
    expect(srv.inFlight).toBe(0);
    expect(srv.queueLength).toBe(0);
    conserved(srv);
  });

  it("restart while paused drops the held jobs too, and the server serves again", () => {
    const { sim, srv, send, at } = setup();
    const a = send(0);
    const b = send(0);
    at(0.05, () => srv.pause());
    at(0.2, () => srv.restart());
    at(0.3, () => srv.resume());
    const c = send(0.4);
    sim.run();
    expect([a.status, b.status, c.status]).toEqual(["lost", "lost", "ok"]);
    expect([a.at, b.at]).toEqual([0.2, 0.2]);
    expect(c.at).toBeCloseTo(0.5, 9);
    expect(srv.stats.dropped).toBe(2);
    conserved(srv);
  });

  it("an unreachable server answers unavailable at once, until it is reachable again", () => {
    const { sim, srv, send, at } = setup();
    at(0, () => srv.setReachable(false));
    const a = send(0.1);
    at(0.2, () => srv.setReachable(true));
    const b = send(0.3);
    sim.run();
    expect([a.status, a.at]).toEqual(["unavailable", 0.1]);
    expect(b.status).toBe("ok");
    expect(srv.stats).toMatchObject({ arrived: 2, dropped: 1, served: 1 });
    conserved(srv);
  });

  it("refuses bad fault values by name", () => {
    const { srv } = setup();
    const path = (fn: () => void) => {
      try {
        fn();
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return (e as OptionError).path;
      }
    };
    expect(path(() => srv.setSlowdown(0))).toEqual(["factor"]);
    expect(path(() => srv.setErrorRate(1.5))).toEqual(["rate"]);
    expect(
      path(() => new Server(new Simulation(), "x", { serviceTime: constant(1), errorCost: -1 })),
    ).toEqual(["errorCost"]);
  });

  it("replays identically with the same seed under every fault", () => {
    const run = () => {
      const { sim, srv, send, at } = setup({ errorCost: 3, dropExpired: true, concurrency: 2 });
      for (let i = 0; i < 300; i++) send(i * 0.04, i * 0.04 + 0.5);
      at(2, () => srv.setErrorRate(0.5));
      at(4, () => srv.setErrorRate(0));
      at(5, () => srv.pause());
      at(5.5, () => srv.resume());
      at(7, () => srv.restart());
      at(8, () => srv.setSlowdown(2));
      sim.run();
      conserved(srv);
      return srv.stats;
    };
    expect(run()).toEqual(run());
  });
});
