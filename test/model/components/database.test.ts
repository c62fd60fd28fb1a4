import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { createDistribution } from "../../../src/engine/distributions.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../../src/model/call.js";
import { Database, type DatabaseOptions } from "../../../src/model/components/database.js";
import { optionPath } from "../option-path.js";
import { Probe } from "../test-caller.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

function setup(options: Partial<DatabaseOptions> = {}, seed = 1) {
  const sim = new Simulation({ seed });
  const db = new Database(sim, "db", { serviceTime: constant(0.1), ...options });
  const calls: Probe[] = [];
  const at = (t: number, deadline = Number.POSITIVE_INFINITY) => {
    const call = new Probe(sim, deadline);
    calls.push(call);
    sim.scheduleAt(t, { handleEvent: () => db.accept(call, 0, deadline) });
    return call;
  };
  return { sim, db, calls, at };
}

describe("database", () => {
  it("a lone query takes its service time", () => {
    const { sim, at } = setup();
    const call = at(0);
    sim.run();
    expect(call.answers).toEqual([{ status: "ok", at: 0.1 }]);
    expect(sim.pending).toBe(0);
  });

  it("queries that run together slow each other down by 1 + contention x (n - 1)", () => {
    const { sim, at } = setup({ contention: 0.5 });
    const calls = [at(0), at(0), at(0)];
    sim.run();
    for (const c of calls) expect(c.answers[0]!.at).toBeCloseTo(0.2, 12);
  });

  it("its latency gauge is the time a query would take now: solo mean x (1 + contention x (running - 1))", () => {
    const { sim, db, at } = setup({ contention: 0.5 });
    expect(db.gauges().latency).toBeCloseTo(0.1, 12);
    at(0);
    at(0);
    at(0);
    sim.run({ until: 0.01 });
    expect(db.gauges().latency).toBeCloseTo(0.2, 12);
  });

  it("a query already running slows down when others join (shared progress, not fixed at start)", () => {
    const { sim, at } = setup({ contention: 1 });
    const first = at(0);
    const second = at(0.05);
    sim.run();
    // Alone until 0.05 (half done), then both at half speed: the first needs 0.1 more.
    expect(first.answers[0]!.at).toBeCloseTo(0.15, 12);
    // The second has done 0.05 by then and finishes the rest alone.
    expect(second.answers[0]!.at).toBeCloseTo(0.2, 12);
  });

  it("capacity levels off with contention: concurrency / (serviceTime x (1 + contention x (c - 1)))", () => {
    const sim = new Simulation();
    const db = new Database(sim, "db", { serviceTime: constant(0.01), concurrency: 10, contention: 0.1 });
    expect(db.capacityPerSec).toBeCloseTo(10 / (0.01 * 1.9), 9);
    expect(new Database(sim, "d2", { serviceTime: constant(0.01) }).capacityPerSec).toBeCloseTo(10_000, 6);
    expect(db.describe()).toMatchObject({ concurrency: "10", contention: "0.1", queueCapacity: "unbounded" });
  });

  it("a connection limit queues the rest FIFO and refuses beyond queueCapacity", () => {
    const { sim, db, at } = setup({ concurrency: 1, queueCapacity: 1 });
    const calls = [at(0), at(0), at(0)];
    sim.run({ until: 0.05 });
    // The waiting query has waited 0.05 s: a query arriving now waits that, then runs 0.1 s.
    expect(db.gauges().latency).toBeCloseTo(0.15, 12);
    expect(db.gauges()).toMatchObject({ queueLength: 1, inFlight: 1 });
    sim.run();
    expect(calls.map((c) => c.answers[0])).toEqual([
      { status: "ok", at: 0.1 },
      { status: "ok", at: 0.2 },
      { status: "rejected", at: 0 },
    ]);
    expect(db.stats).toMatchObject({ arrived: 3, served: 2, rejected: 1 });
  });

  it("dropExpired skips a query whose deadline passed while it waited", () => {
    const { sim, db, at } = setup({ concurrency: 1, dropExpired: true });
    const calls = [at(0, 1), at(0, 0.15), at(0, 1)];
    sim.run();
    expect(calls.map((c) => c.answers[0]!.status)).toEqual(["ok", "ok", "ok"]);
    const late = setup({ concurrency: 1, dropExpired: true });
    const lateCalls = [late.at(0, 1), late.at(0, 1), late.at(0, 0.15)];
    late.sim.run();
    expect(lateCalls[2]!.answers).toEqual([{ status: "expired", at: 0.2 }]);
    expect(late.db.stats.expired).toBe(1);
    expect(db.stats.expired).toBe(0);
  });

  it("an answer nobody wanted counts as wasted work", () => {
    const { sim, db, at } = setup();
    at(0, 0.05);
    sim.run();
    expect(db.stats).toMatchObject({ served: 1, wasted: 1 });
    expect(db.stats.wastedBusySeconds).toBeCloseTo(0.1, 12);
  });

  it("pause freezes progress and resume continues it; slowdown stretches what is left", () => {
    const { sim, db, at } = setup();
    const call = at(0);
    sim.scheduleAt(0.05, { handleEvent: () => db.pause() });
    sim.scheduleAt(1, { handleEvent: () => db.resume() });
    sim.run();
    expect(call.answers[0]!.at).toBeCloseTo(1.05, 12);
    const slow = setup();
    const c2 = slow.at(0);
    slow.sim.scheduleAt(0.05, { handleEvent: () => slow.db.setSlowdown(2) });
    slow.sim.run();
    expect(c2.answers[0]!.at).toBeCloseTo(0.15, 12);
  });

  it("injected errors, unreachability and restarts", () => {
    const { sim, db, at } = setup();
    sim.scheduleAt(0, { handleEvent: () => db.setErrorRate(1) });
    const failed = at(0.001);
    sim.scheduleAt(1, { handleEvent: () => db.setReachable(false) });
    const refused = at(1.5);
    sim.scheduleAt(2, {
      handleEvent: () => {
        db.setReachable(true);
        db.setErrorRate(0);
      },
    });
    const lost = at(3);
    sim.scheduleAt(3.05, { handleEvent: () => db.restart() });
    const after = at(3.06);
    sim.run();
    expect(failed.answers).toEqual([{ status: "error", at: 0.001 }]);
    expect(refused.answers).toEqual([{ status: "unavailable", at: 1.5 }]);
    expect(lost.answers).toEqual([{ status: "lost", at: 3.05 }]);
    expect(after.answers[0]!.at).toBeCloseTo(3.16, 12);
    expect(db.stats).toMatchObject({ errors: 1, dropped: 2, served: 1 });
    expect(sim.pending).toBe(0);
  });

  it('a restart answers every query it drops "lost" at once, running and waiting alike', () => {
    const { sim, db, at } = setup({ concurrency: 2 });
    const dropped = [at(0), at(0), at(0), at(0.02)];
    sim.scheduleAt(0.05, { handleEvent: () => db.restart() });
    const after = at(0.06);
    sim.run();
    for (const c of dropped) expect(c.answers).toEqual([{ status: "lost", at: 0.05 }]);
    expect(after.answers[0]!.at).toBeCloseTo(0.16, 12);
    expect(db.stats).toMatchObject({ arrived: 5, dropped: 4, served: 1 });
    expect(db.inFlight + db.queueLength).toBe(0);
    expect(sim.pending).toBe(0);
  });

  it('a restart is consistent when a caller sends again as soon as it hears "lost"', () => {
    const { sim, db } = setup({ concurrency: 1 });
    const answers: [number, ReplyStatus, number][] = [];
    const resender: Caller = {
      reply: (token, status) => {
        answers.push([token, status, sim.now]);
        if (status === "lost") db.accept(resender, token + 10, Number.POSITIVE_INFINITY);
        return true;
      },
      requestOf: () => -1,
    };
    sim.scheduleAt(0, {
      handleEvent: () => {
        for (const token of [1, 2]) db.accept(resender, token, Number.POSITIVE_INFINITY);
      },
    });
    sim.scheduleAt(0.05, { handleEvent: () => db.restart() });
    sim.run();
    // Token 2 waited and is answered first; its resend finds the empty database and runs first.
    expect(answers.map(([token, status]) => [token, status])).toEqual([
      [2, "lost"],
      [1, "lost"],
      [12, "ok"],
      [11, "ok"],
    ]);
    expect(answers[3]![2]).toBeCloseTo(0.25, 12);
    expect(db.stats).toMatchObject({ arrived: 4, dropped: 2, served: 2 });
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const st = constant(0.1);
    expect(optionPath(() => new Database(sim, "a", { serviceTime: st, concurrency: 0 }))).toEqual([
      "concurrency",
    ]);
    expect(optionPath(() => new Database(sim, "b", { serviceTime: st, contention: -0.1 }))).toEqual([
      "contention",
    ]);
    expect(optionPath(() => new Database(sim, "c", { serviceTime: st, queueCapacity: 1.5 }))).toEqual([
      "queueCapacity",
    ]);
    expect(
      optionPath(() => new Database(sim, "d", { serviceTime: st, dropExpired: "yes" as unknown as boolean })),
    ).toEqual(["dropExpired"]);
    const negative: Distribution = { label: "normal", mean: 1, min: -1, sample: () => 1 };
    expect(optionPath(() => new Database(sim, "e", { serviceTime: negative }))).toEqual(["serviceTime"]);
    const db = new Database(sim, "f", { serviceTime: st });
    expect(optionPath(() => db.setSlowdown(0))).toEqual(["factor"]);
    expect(optionPath(() => db.setErrorRate(2))).toEqual(["rate"]);
  });

  /** Random load with every fault; returns the database's stats and each call's answers. */
  function chaos(seed: number) {
    const { sim, db, calls, at } = setup(
      {
        serviceTime: createDistribution({ kind: "lognormal", mean: 0.02, stddev: 0.01 }),
        concurrency: 8,
        contention: 0.2,
        queueCapacity: 20,
        dropExpired: true,
      },
      seed,
    );
    const rng = sim.stream("test:load");
    let t = 0;
    for (let i = 0; i < 3000; i++) {
      t += -Math.log(1 - rng.next()) / 200;
      at(t, t + rng.next());
    }
    const fault = (time: number, fn: () => void) => sim.scheduleAt(time, { handleEvent: fn });
    fault(2, () => db.setErrorRate(0.3));
    fault(4, () => db.setErrorRate(0));
    fault(5, () => db.pause());
    fault(5.5, () => db.resume());
    fault(7, () => db.setSlowdown(3));
    fault(9, () => db.setSlowdown(1));
    fault(10, () => db.restart());
    fault(11, () => db.setReachable(false));
    fault(11.5, () => db.setReachable(true));
    sim.run();
    return { db, calls };
  }

  it("conservation: every query is answered exactly once and the counters add up", () => {
    const { db, calls } = chaos(7);
    for (const c of calls) expect(c.answers).toHaveLength(1);
    const s = db.stats;
    expect(s.arrived).toBe(calls.length);
    const count = (status: ReplyStatus) => calls.filter((c) => c.answers[0]?.status === status).length;
    expect(count("ok")).toBe(s.served);
    expect(count("rejected")).toBe(s.rejected);
    expect(count("expired")).toBe(s.expired);
    expect(count("error")).toBe(s.errors);
    // Dropped: lost to the restart, or refused while unreachable.
    expect(count("lost")).toBeGreaterThan(0);
    expect(count("lost") + count("unavailable")).toBe(s.dropped);
    expect(s.served + s.rejected + s.expired + s.errors + s.dropped).toBe(s.arrived);
    expect(s.rejected).toBeGreaterThan(0);
    expect(s.expired).toBeGreaterThan(0);
    expect(db.inFlight + db.queueLength).toBe(0);
  });

  it("replays identically from the same seed, and differently from another", () => {
    const a = chaos(3);
    const b = chaos(3);
    expect(b.db.stats).toEqual(a.db.stats);
    expect(b.calls.map((c) => c.answers)).toEqual(a.calls.map((c) => c.answers));
    expect(chaos(4).db.stats).not.toEqual(a.db.stats);
  });
});
