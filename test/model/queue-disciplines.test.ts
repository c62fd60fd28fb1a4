import { describe, expect, it } from "vitest";
import type { Distribution } from "../../src/engine/distribution.js";
import { Simulation } from "../../src/engine/simulation.js";
import type { Call, ReplyStatus } from "../../src/model/call.js";
import { CodelQueue } from "../../src/model/queue/codel-queue.js";
import { createQueue, QUEUE_KINDS, type QueueSpec } from "../../src/model/queue/create-queue.js";
import { Server } from "../../src/model/server.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { optionPath } from "./option-path.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/** A call that records its answers and fails the test if answered twice. */
class TestCall implements Call {
  status: ReplyStatus | null = null;
  at = Number.NaN;
  constructor(
    readonly id: number,
    readonly deadline = Number.POSITIVE_INFINITY,
    private readonly sim?: Simulation,
  ) {}
  reply(status: ReplyStatus): boolean {
    if (this.status !== null) throw new Error(`call ${this.id} answered twice`);
    this.status = status;
    this.at = this.sim?.now ?? Number.NaN;
    return true;
  }
}

const calls = (n: number) => Array.from({ length: n }, (_, i) => new TestCall(i));
const noShed = (c: Call) => {
  throw new Error(`unexpected shed of ${c.id}`);
};

/** Takes every call at time 0 and returns the ids in order. */
function order(spec: QueueSpec, n: number): number[] {
  const q = createQueue(spec);
  for (const c of calls(n)) q.push(c, 0);
  const out: number[] = [];
  for (let c = q.take(0, noShed); c !== undefined; c = q.take(0, noShed)) out.push(c.id);
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
    expect(order({ kind: "adaptive-lifo", threshold: 3 }, 5)).toEqual([4, 3, 2, 0, 1]);
    expect(order({ kind: "adaptive-lifo", threshold: 3 }, 2)).toEqual([0, 1]);
    expect(order({ kind: "adaptive-lifo" }, 12)).toEqual([11, 10, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("interleaved pushes keep each discipline's order", () => {
    const q = createQueue({ kind: "lifo" });
    const [a, b, c] = calls(3);
    q.push(a!, 0);
    q.push(b!, 0);
    expect(q.take(0, noShed)).toBe(b);
    q.push(c!, 0);
    expect(q.take(0, noShed)).toBe(c);
    expect(q.take(0, noShed)).toBe(a);
    expect(q.take(0, noShed)).toBeUndefined();
  });

  it("drain empties every discipline", () => {
    for (const kind of QUEUE_KINDS) {
      const q = createQueue({ kind });
      for (const c of calls(40)) q.push(c, 0);
      expect(q.drain().map((c) => c.id)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(q.length).toBe(0);
      expect(q.take(1, noShed)).toBeUndefined();
    }
  });

  it("labels name the discipline and its settings", () => {
    expect(createQueue({ kind: "lifo" }).label).toBe("lifo");
    expect(createQueue({ kind: "adaptive-lifo" }).label).toBe("adaptive-lifo(threshold 10)");
    expect(createQueue({ kind: "codel" }).label).toBe("codel(target 0.005 s, interval 0.1 s)");
  });

  it("refuses bad options by name, under queue when given to a server", () => {
    expect(optionPath(() => createQueue({ kind: "adaptive-lifo", threshold: 0 }))).toEqual(["threshold"]);
    expect(optionPath(() => createQueue({ kind: "adaptive-lifo", threshold: 2.5 }))).toEqual(["threshold"]);
    expect(optionPath(() => createQueue({ kind: "codel", target: 0 }))).toEqual(["target"]);
    expect(optionPath(() => createQueue({ kind: "codel", interval: -1 }))).toEqual(["interval"]);
    expect(optionPath(() => createQueue({ kind: "codel", interval: Number.NaN }))).toEqual(["interval"]);
    expect(optionPath(() => createQueue({ kind: "stack" } as never))).toEqual(["kind"]);
    const sim = new Simulation();
    const server = (queue: QueueSpec) => () => new Server(sim, "s", { serviceTime: constant(1), queue });
    expect(optionPath(server({ kind: "codel", target: -0.1 }))).toEqual(["queue", "target"]);
    expect(optionPath(server({ kind: "adaptive-lifo", threshold: -3 }))).toEqual(["queue", "threshold"]);
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
    expect(refuse(text("{ kind: adaptive-lifo, threshold: 0 }")).field).toBe(
      "servers.server.queue.threshold",
    );
    expect(refuse(text("{ kind: lifo, threshold: 3 }")).message).toMatch(/threshold/);
    for (const ok of [
      "{ kind: lifo }",
      "{ kind: adaptive-lifo, threshold: 4 }",
      "{ kind: codel, interval: 0.2 }",
    ])
      expect(() => buildModel(parseScenarioText(text(ok), "q.yaml"))).not.toThrow();
  });
});

describe("codel", () => {
  /** Pushes `n` calls at time 0 and takes one every `step` s; returns the times of the drops. */
  function standingQueue(n: number, step: number, until: number) {
    const q = new CodelQueue();
    for (const c of calls(n)) q.push(c, 0);
    const drops: number[] = [];
    let taken = 0;
    for (let k = 1; k * step <= until; k++) {
      const now = k * step;
      if (q.take(now, () => drops.push(now)) !== undefined) taken++;
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
    for (const c of calls(50)) q.push(c, 0);
    // 50 calls taken 1 ms apart: the last waited 50 ms, above target, but for less than 100 ms.
    for (let k = 1; k <= 50; k++) expect(q.take(k * 0.001, noShed)!.id).toBe(k - 1);
    expect(q.stats.drops).toBe(0);
  });

  it("never sheds while calls wait less than target", () => {
    const q = new CodelQueue({ target: 0.01, interval: 0.05 });
    let id = 0;
    for (let t = 0; t < 5; t += 0.004) {
      q.push(new TestCall(id++), t);
      q.push(new TestCall(id++), t);
      q.take(t + 0.004, noShed);
      q.take(t + 0.004, noShed);
    }
    expect(q.stats.drops).toBe(0);
  });

  it("leaves the dropping state when a taken call waited less than target", () => {
    const { q } = standingQueue(300, 0.001, 0.2);
    expect(q.isDropping).toBe(true);
    q.drain();
    q.push(new TestCall(1), 0.2);
    q.push(new TestCall(2), 0.2);
    expect(q.take(0.201, noShed)!.id).toBe(1);
    expect(q.isDropping).toBe(false);
  });

  it("on a server: sheds a standing queue as expired, and not a burst", () => {
    const run = (arrivals: number[]) => {
      const sim = new Simulation({ seed: 1 });
      const srv = new Server(sim, "s", { serviceTime: constant(0.01), queue: { kind: "codel" } });
      const sent = arrivals.map((t, i) => {
        const c = new TestCall(i, Number.POSITIVE_INFINITY, sim);
        sim.scheduleAt(t, { handleEvent: () => srv.accept(c) });
        return c;
      });
      sim.run();
      return { srv, sent };
    };
    // 120 req/s on 100 req/s of capacity for 3 s: a standing queue.
    const standing = run(Array.from({ length: 360 }, (_, i) => i / 120));
    expect(standing.srv.stats.expired).toBeGreaterThan(10);
    expect(standing.sent.filter((c) => c.status === "expired").length).toBe(standing.srv.stats.expired);
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
    const sent: TestCall[] = [];
    let most = 0;
    const probe = { handleEvent: () => (most = Math.max(most, srv.inService)) };
    for (let i = 0; i < 1000; i++) {
      const c = new TestCall(i, Number.POSITIVE_INFINITY, sim);
      sent.push(c);
      sim.scheduleAt(i * 0.004, { handleEvent: () => srv.accept(c) });
      sim.scheduleAt(i * 0.004 + 1e-9, probe);
    }
    sim.run();
    expect(most).toBe(2);
    expect(srv.stats.expired).toBeGreaterThan(0);
    expect(srv.stats.served + srv.stats.expired).toBe(1000);
    expect(sent.every((c) => c.status !== null)).toBe(true);
  });

  it("replays identically with the same seed", () => {
    const run = (seed: number) => {
      const sim = new Simulation({ seed });
      const rng = sim.stream("test:arrivals");
      const srv = new Server(sim, "s", {
        serviceTime: { label: "exp", mean: 0.01, min: 0, sample: (r) => -0.01 * Math.log(1 - r.next()) },
        queue: { kind: "codel" },
      });
      let t = 0;
      for (let i = 0; i < 2000; i++) {
        t += -Math.log(1 - rng.next()) / 110;
        sim.scheduleAt(t, { handleEvent: () => srv.accept(new TestCall(i)) });
      }
      sim.run();
      return srv.stats;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    expect(run(5).expired).toBeGreaterThan(0);
  });
});
