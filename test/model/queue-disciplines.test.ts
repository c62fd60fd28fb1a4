import { describe, expect, it } from "vitest";
import type { Distribution } from "../../src/engine/distribution.js";
import { Simulation } from "../../src/engine/simulation.js";
import { Server } from "../../src/model/components/server.js";
import { CallQueue, HeldCall } from "../../src/model/queue/call-queue.js";
import { CodelQueue } from "../../src/model/queue/codel-queue.js";
import { createQueue, QUEUE_KINDS, type QueueSpec } from "../../src/model/queue/create-queue.js";
import type { QueueDiscipline } from "../../src/model/queue/queue-discipline.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { optionPath } from "./option-path.js";
import { TestCaller } from "./test-caller.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

const caller = new TestCaller();
const held = new HeldCall();
/** Takes the next call; its token, or undefined when none is left. Fails the test on a shed. */
function take(q: QueueDiscipline, now: number, shed = new CallQueue()): number | undefined {
  const got = q.take(now, held, shed);
  if (shed.length > 0) throw new Error("unexpected shed");
  return got ? held.token : undefined;
}
/** Pushes calls with tokens 0..n-1 at time `now`. */
function pushAll(q: QueueDiscipline, n: number, now = 0): void {
  for (let i = 0; i < n; i++) q.push(caller, i, Number.POSITIVE_INFINITY, now);
}

/** Takes every call at time 0 and returns the tokens in order. */
function order(spec: QueueSpec, n: number): number[] {
  const q = createQueue(spec);
  pushAll(q, n);
  const out: number[] = [];
  for (let t = take(q, 0); t !== undefined; t = take(q, 0)) out.push(t);
  expect(q.length).toBe(0);
  return out;
}

describe("queue disciplines", () => {
  it("fifo serves oldest first, lifo newest first", () => {
    expect(order({ kind: "fifo" }, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(order({ kind: "lifo" }, 5)).toEqual([4, 3, 2, 1, 0]);
  });

  it("adaptive-lifo is FIFO below the threshold and LIFO at or above it", () => {
    // 5 waiting, threshold 3: LIFO takes 4, 3, 2 (lengths 5, 4, 3), then FIFO takes 0, 1.
    expect(order({ kind: "adaptiveLifo", threshold: 3 }, 5)).toEqual([4, 3, 2, 0, 1]);
    expect(order({ kind: "adaptiveLifo", threshold: 3 }, 2)).toEqual([0, 1]);
    expect(order({ kind: "adaptiveLifo" }, 12)).toEqual([11, 10, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("interleaved pushes keep each discipline's order", () => {
    const q = createQueue({ kind: "lifo" });
    const [a, b, c] = [0, 1, 2];
    q.push(caller, a, 5, 0);
    q.push(caller, b, 6, 0);
    expect(take(q, 0)).toBe(b);
    expect(held).toMatchObject({ caller, deadline: 6, arrivedAt: 0 });
    q.push(caller, c, 7, 0.5);
    expect(take(q, 0)).toBe(c);
    expect(held).toMatchObject({ deadline: 7, arrivedAt: 0.5 });
    expect(take(q, 0)).toBe(a);
    expect(take(q, 0)).toBeUndefined();
  });

  it("drain empties every discipline", () => {
    for (const kind of QUEUE_KINDS) {
      const q = createQueue({ kind });
      pushAll(q, 2500);
      const drained = new CallQueue();
      q.drain(drained);
      const tokens: number[] = [];
      while (drained.shift(held)) tokens.push(held.token);
      expect(tokens).toEqual(Array.from({ length: 2500 }, (_, i) => i));
      expect(q.length).toBe(0);
      expect(take(q, 1)).toBeUndefined();
    }
  });

  it("labels name the discipline and its settings", () => {
    expect(createQueue({ kind: "lifo" }).label).toBe("lifo");
    expect(createQueue({ kind: "adaptiveLifo" }).label).toBe("adaptiveLifo(threshold 10)");
    expect(createQueue({ kind: "codel" }).label).toBe("codel(target 0.005 s, interval 0.1 s)");
  });

  it("refuses bad options by name, under queue when given to a server", () => {
    expect(optionPath(() => createQueue({ kind: "adaptiveLifo", threshold: 0 }))).toEqual(["threshold"]);
    expect(optionPath(() => createQueue({ kind: "adaptiveLifo", threshold: 2.5 }))).toEqual(["threshold"]);
    expect(optionPath(() => createQueue({ kind: "codel", target: 0 }))).toEqual(["target"]);
    expect(optionPath(() => createQueue({ kind: "codel", interval: -1 }))).toEqual(["interval"]);
    expect(optionPath(() => createQueue({ kind: "codel", interval: Number.NaN }))).toEqual(["interval"]);
    expect(optionPath(() => createQueue({ kind: "stack" } as never))).toEqual(["kind"]);
    const sim = new Simulation();
    const server = (queue: QueueSpec) => () => new Server(sim, "s", { serviceTime: constant(1), queue });
    expect(optionPath(server({ kind: "codel", target: -0.1 }))).toEqual(["queue", "target"]);
    expect(optionPath(server({ kind: "adaptiveLifo", threshold: -3 }))).toEqual(["queue", "threshold"]);
  });

  it("scenario files reach the options at their field, and unknown fields are refused", () => {
    const text = (queue: string) => `
name: q
duration: 10
sources:
  users: { target: client, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server }
servers:
  server:
    serviceTime: { kind: constant, value: 0.1 }
    queue: ${queue}
`;
    const refuse = (t: string) => {
      try {
        buildModel(parseScenarioText(t, "q.yaml"));
      } catch (e) {
        if (e instanceof ScenarioError) return e.issues[0]!;
        throw e;
      }
      throw new Error("accepted");
    };
    const bad = refuse(text("{ kind: codel, target: 0 }"));
    expect(bad.field).toBe("servers.server.queue.target");
    expect(bad.line).toBe(11);
    expect(refuse(text("{ kind: adaptiveLifo, threshold: 0 }")).field).toBe("servers.server.queue.threshold");
    expect(refuse(text("{ kind: lifo, threshold: 3 }")).message).toMatch(/threshold/);
    for (const ok of [
      "{ kind: lifo }",
      "{ kind: adaptiveLifo, threshold: 4 }",
      "{ kind: codel, interval: 0.2 }",
    ])
      expect(() => buildModel(parseScenarioText(text(ok), "q.yaml"))).not.toThrow();
  });
});

describe("codel", () => {
  /** Pushes `n` calls at time 0 and takes one every `step` s; returns the times of the drops. */
  function standingQueue(n: number, step: number, until: number) {
    const q = new CodelQueue();
    pushAll(q, n);
    const drops: number[] = [];
    let taken = 0;
    const shed = new CallQueue();
    for (let k = 1; k * step <= until; k++) {
      const now = k * step;
      if (q.take(now, held, shed)) taken++;
      while (shed.shift(held)) drops.push(now);
    }
    return { q, drops, taken };
  }

  it("sheds a standing queue after one interval, at spacings of interval / sqrt(count)", () => {
    const { q, drops, taken } = standingQueue(10_000, 0.001, 2);
    // Sojourns reach target (5 ms) at the fifth take; dropping starts one interval (0.1 s) later.
    expect(drops[0]).toBeGreaterThanOrEqual(0.105);
    expect(drops[0]).toBeLessThanOrEqual(0.1061);
    expect(q.isDropping).toBe(true);
    // The n-th gap is interval / sqrt(n), up to the 1 ms grid the takes happen on.
    for (let n = 1; n < 20; n++) {
      expect(drops[n]! - drops[n - 1]!).toBeGreaterThan(0.1 / Math.sqrt(n) - 0.0011);
      expect(drops[n]! - drops[n - 1]!).toBeLessThan(0.1 / Math.sqrt(n) + 0.0011);
    }
    expect(q.stats.drops).toBe(drops.length);
    expect(q.stats.droppingEntries).toBe(1);
    expect(taken + drops.length + q.length).toBe(10_000);
  });

  it("speeds up until drops outpace a queue that keeps standing", () => {
    const { drops, q } = standingQueue(100_000, 0.001, 10);
    expect(q.length).toBeGreaterThan(0);
    // Sum of interval/sqrt(n) up to N is about 0.2 sqrt(N): ~ (9.9 / 0.2)^2 drops in 9.9 s.
    expect(drops.length).toBeGreaterThan(2000);
    const late = drops.filter((t) => t > 9).length;
    expect(late).toBeGreaterThan(100);
  });

  it("leaves a short burst alone: it drains within one interval", () => {
    const q = new CodelQueue();
    pushAll(q, 50);
    // 50 calls taken 1 ms apart: the last waited 50 ms, above target, but for less than 100 ms.
    for (let k = 1; k <= 50; k++) expect(take(q, k * 0.001)).toBe(k - 1);
    expect(q.stats.drops).toBe(0);
  });

  it("never sheds while calls wait less than target", () => {
    const q = new CodelQueue({ target: 0.01, interval: 0.05 });
    let id = 0;
    for (let t = 0; t < 5; t += 0.004) {
      q.push(caller, id++, Number.POSITIVE_INFINITY, t);
      q.push(caller, id++, Number.POSITIVE_INFINITY, t);
      take(q, t + 0.004);
      take(q, t + 0.004);
    }
    expect(q.stats.drops).toBe(0);
  });

  it("leaves the dropping state when a taken call waited less than target", () => {
    const { q } = standingQueue(300, 0.001, 0.2);
    expect(q.isDropping).toBe(true);
    q.drain(new CallQueue());
    q.push(caller, 1, Number.POSITIVE_INFINITY, 0.2);
    q.push(caller, 2, Number.POSITIVE_INFINITY, 0.2);
    expect(take(q, 0.201)).toBe(1);
    expect(q.isDropping).toBe(false);
  });

  it("on a server: sheds a standing queue as expired, and not a burst", () => {
    const run = (arrivals: number[]) => {
      const sim = new Simulation({ seed: 1 });
      const srv = new Server(sim, "s", { serviceTime: constant(0.01), queue: { kind: "codel" } });
      const sent = new TestCaller(sim);
      arrivals.forEach((t, i) => {
        sim.scheduleAt(t, { handleEvent: () => srv.accept(sent, i, Number.POSITIVE_INFINITY) });
      });
      sim.run();
      return { srv, sent };
    };
    // 120 req/s on 100 req/s of capacity for 3 s: a standing queue.
    const standing = run(Array.from({ length: 360 }, (_, i) => i / 120));
    expect(standing.srv.stats.expired).toBeGreaterThan(10);
    expect(standing.sent.count("expired")).toBe(standing.srv.stats.expired);
    expect(standing.srv.stats.served + standing.srv.stats.expired).toBe(360);
    // 8 calls at once drain in 80 ms, inside one interval.
    const burst = run(Array.from({ length: 8 }, () => 0));
    expect(burst.srv.stats).toMatchObject({ served: 8, expired: 0 });
  });

  it("a costly error path for shed calls never runs more calls than workers", () => {
    const sim = new Simulation({ seed: 1 });
    const srv = new Server(sim, "s", {
      serviceTime: constant(0.01),
      concurrency: 2,
      errorCost: 5,
      queue: { kind: "codel" },
    });
    const sent = new TestCaller(sim);
    let most = 0;
    const probe = { handleEvent: () => (most = Math.max(most, srv.inFlight)) };
    for (let i = 0; i < 1000; i++) {
      sim.scheduleAt(i * 0.004, { handleEvent: () => srv.accept(sent, i, Number.POSITIVE_INFINITY) });
      sim.scheduleAt(i * 0.004 + 1e-9, probe);
    }
    sim.run();
    expect(most).toBe(2);
    expect(srv.stats.expired).toBeGreaterThan(0);
    expect(srv.stats.served + srv.stats.expired).toBe(1000);
    expect(sent.status.size).toBe(1000);
  });

  it("replays identically with the same seed", () => {
    const run = (seed: number) => {
      const sim = new Simulation({ seed });
      const rng = sim.stream("test:arrivals");
      const srv = new Server(sim, "s", {
        serviceTime: { label: "exp", mean: 0.01, min: 0, sample: (r) => -0.01 * Math.log(1 - r.next()) },
        queue: { kind: "codel" },
      });
      const sent = new TestCaller();
      let t = 0;
      for (let i = 0; i < 2000; i++) {
        t += -Math.log(1 - rng.next()) / 110;
        sim.scheduleAt(t, { handleEvent: () => srv.accept(sent, i, Number.POSITIVE_INFINITY) });
      }
      sim.run();
      return srv.stats;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    expect(run(5).expired).toBeGreaterThan(0);
  });
});
