// A calling service, on cases whose answers are worked out by hand before the run (constant service
// times, so every time and count below is exact).
import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { Service } from "../../../src/model/call.js";
import { Client, type ClientOptions } from "../../../src/model/components/client.js";
import { Server } from "../../../src/model/components/server.js";
import { CallingService, type ServiceOptions } from "../../../src/model/components/service.js";
import type { CallOptions } from "../../../src/model/service-steps.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});
const work = (s: number) => ({ kind: "work" as const, serviceTime: constant(s) });
const call = (target: Service, options: Omit<CallOptions, "target"> = {}) => ({
  kind: "call" as const,
  target,
  ...options,
});

/** A client in front of `front`, and a way to send requests at given times; latencies recorded. */
function drive(sim: Simulation, front: Service, options: ClientOptions = {}) {
  const client = new Client(sim, `users->${front.name}`, front, { timeout: 100, maxAttempts: 1, ...options });
  const latencies: number[] = [];
  client.onCompletion((l) => latencies.push(Number(l.toFixed(9))));
  const at = (...times: number[]) => {
    for (const t of times) sim.scheduleAt(t, { handleEvent: () => client.request() });
  };
  return { client, latencies, at };
}

function service(sim: Simulation, name: string, options: ServiceOptions) {
  return new CallingService(sim, name, options);
}

describe("a service's steps", () => {
  it("work, a call and more work take their sum; a blocking worker is held throughout", () => {
    // 0.1 own work + 0.2 at the database + 0.05 own work = 0.35 s, all of it on the worker.
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.2) });
    const web = service(sim, "web", { steps: [work(0.1), call(db), work(0.05)] });
    const { latencies, at } = drive(sim, web);
    at(0);
    sim.run();
    expect(latencies).toEqual([0.35]);
    expect(web.stats).toMatchObject({ arrived: 1, finished: 1, served: 1, wasted: 0, errors: 0 });
    expect(web.stats.busySeconds).toBeCloseTo(0.35, 12);
    expect(web.stats["web->db.attempts"]).toBe(1);
    expect(sim.pending).toBe(0);
  });

  it("thread per request: waiting downstream holds the worker; non-blocking frees it", () => {
    // One worker, a 0.8 s call to a database with ten workers, two requests at t = 0. Blocking:
    // the second waits for the worker, finishing at 1.6. Non-blocking: both calls are out at once,
    // both finish at 0.8, and the worker was busy for no time at all (no own work).
    for (const [blocking, expected, busy] of [
      [true, [0.8, 1.6], 1.6],
      [false, [0.8, 0.8], 0],
    ] as const) {
      const sim = new Simulation({ seed: 1 });
      const db = new Server(sim, "db", { serviceTime: constant(0.8), concurrency: 10 });
      const web = service(sim, "web", { blocking, steps: [call(db)] });
      const { latencies, at } = drive(sim, web);
      at(0, 0);
      sim.run({ until: 0.5 });
      expect(web.gauges()).toMatchObject({
        inFlight: blocking ? 1 : 0,
        waitingDownstream: blocking ? 1 : 2,
      });
      sim.run();
      expect(latencies).toEqual(expected);
      expect(web.stats.busySeconds).toBeCloseTo(busy, 12);
    }
  });

  it("non-blocking: a call back from downstream waits for a worker for its next work step", () => {
    // One worker; requests at 0 and 0.05. A: work 0-0.1, call 0.1-0.2 (worker free), work 0.2-0.3.
    // B: worker free at 0.1, work 0.1-0.2, call 0.2-0.3, work 0.3-0.4. Latencies 0.3 and 0.35.
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.1), concurrency: 10 });
    const web = service(sim, "web", { blocking: false, steps: [work(0.1), call(db), work(0.1)] });
    const { latencies, at } = drive(sim, web);
    at(0, 0.05);
    sim.run();
    expect(latencies).toEqual([0.3, 0.35]);
    expect(web.stats.busySeconds).toBeCloseTo(0.4, 12);
  });

  it("parallel calls: wait for all takes the slowest; wait for first takes the fastest and wastes the rest", () => {
    for (const [wait, latency, wasted] of [
      ["all", 0.5, 0],
      ["first", 0.2, 1],
    ] as const) {
      const sim = new Simulation({ seed: 1 });
      const a = new Server(sim, "a", { serviceTime: constant(0.2) });
      const b = new Server(sim, "b", { serviceTime: constant(0.5) });
      const web = service(sim, "web", {
        steps: [{ kind: "parallel", wait, calls: [{ target: a }, { target: b }] }],
      });
      const { latencies, at } = drive(sim, web);
      at(0);
      sim.run();
      expect(latencies).toEqual([latency]);
      expect(a.stats.wasted + b.stats.wasted).toBe(wasted);
    }
  });

  it("wait for all fails at the first failure; wait for first fails only when every call fails", () => {
    const sim = new Simulation({ seed: 1 });
    const ok = new Server(sim, "ok", { serviceTime: constant(0.2), concurrency: 2 });
    const down = new Server(sim, "down", { serviceTime: constant(0.2) });
    down.setReachable(false);
    const calls = [
      { target: ok, maxAttempts: 1 },
      { target: down, maxAttempts: 1 },
    ];
    const all = service(sim, "all", { steps: [{ kind: "parallel", wait: "all", calls }] });
    const first = service(sim, "first", { steps: [{ kind: "parallel", wait: "first", calls }] });
    const u1 = drive(sim, all);
    const u2 = drive(sim, first);
    u1.at(0);
    u2.at(0);
    sim.run();
    expect(all.stats).toMatchObject({ errors: 1, served: 0 });
    expect(u1.client.stats).toMatchObject({ gaveUp: 1, completions: 0 });
    expect(first.stats).toMatchObject({ errors: 0, served: 1 });
    expect(u2.latencies).toEqual([0.2]);
    // The ok call of the failed wait-for-all group still ran: its answer was wasted.
    expect(ok.stats.wasted).toBe(1);
  });
});

describe("stacked retries and stop answers", () => {
  it("attempts multiply down the tiers: 3 x 3 x 3 = 27 at the bottom when every attempt fails", () => {
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.01) });
    db.setReachable(false);
    const web = service(sim, "web", { steps: [call(db, { maxAttempts: 3 })] });
    const api = service(sim, "api", { steps: [call(web, { maxAttempts: 3 })] });
    const { client, at } = drive(sim, api, { maxAttempts: 3 });
    at(0, 1);
    sim.run();
    expect(db.stats.arrived).toBe(2 * 27);
    expect(web.stats.arrived).toBe(2 * 9);
    expect(api.stats.arrived).toBe(2 * 3);
    expect(client.stats).toMatchObject({ attempts: 6, gaveUp: 2 });
    expect(api.calls).toMatchObject({ requests: 6, attempts: 18, gaveUp: 6 });
  });

  it("an empty answer stops every tier: one attempt at the bottom, no retry above", () => {
    // The same three tiers, but the bottom says "nothing here" (a DNS NOERROR with no address).
    const sim = new Simulation({ seed: 1 });
    const dns = service(sim, "dns", { steps: [work(0.001)], unreachableAnswer: "empty" });
    dns.setReachable(false);
    const web = service(sim, "web", { steps: [call(dns, { maxAttempts: 3 })] });
    const api = service(sim, "api", { steps: [call(web, { maxAttempts: 3 })] });
    const { client, at } = drive(sim, api, { maxAttempts: 3 });
    at(0);
    sim.run();
    expect(dns.stats).toMatchObject({ arrived: 1, empty: 1 });
    expect(web.stats).toMatchObject({ arrived: 1, empty: 1, errors: 0 });
    expect(api.stats).toMatchObject({ arrived: 1, empty: 1 });
    expect(client.stats).toMatchObject({ attempts: 1, retries: 0, gaveUp: 1 });
  });

  it("a non-compliant caller (retryOnEmpty) retries an empty answer; unavailable is retried by default", () => {
    const sim = new Simulation({ seed: 1 });
    const dns = service(sim, "dns", { steps: [work(0.001)], unreachableAnswer: "empty" });
    const nx = service(sim, "nx", { steps: [work(0.001)] });
    dns.setReachable(false);
    nx.setReachable(false);
    const a = drive(sim, dns, { maxAttempts: 3, retryOnEmpty: true });
    const b = drive(sim, nx, { maxAttempts: 3 });
    a.at(0);
    b.at(0);
    sim.run();
    expect(dns.stats.arrived).toBe(3);
    expect(nx.stats.arrived).toBe(3);
  });
});

describe("deadlines across hops", () => {
  it("without propagation the service retries for a caller long gone; with it, it stops at the caller's deadline", () => {
    // The user waits 1 s. The database takes 5 s; the service's call times out after 2 s and
    // tries 3 times. Without propagation: attempts at 0, 2, 4. With it: the call's deadline is
    // the user's (t = 1), so its one attempt ends at 1 and no retry starts after it.
    for (const [propagateDeadline, attempts] of [
      [false, 3],
      [true, 1],
    ] as const) {
      const sim = new Simulation({ seed: 1 });
      const db = new Server(sim, "db", { serviceTime: constant(5), concurrency: 10 });
      const web = service(sim, "web", {
        steps: [call(db, { timeout: 2, maxAttempts: 3, propagateDeadline })],
      });
      const { client, at } = drive(sim, web, { timeout: 1 });
      at(0);
      sim.run();
      expect(db.stats.arrived).toBe(attempts);
      expect(client.stats).toMatchObject({ timeouts: 1, gaveUp: 1 });
      // With propagation the call gave up because its (propagated) deadline had passed.
      expect(web.stats["web->db.deadlineExceeded"]).toBe(propagateDeadline ? 1 : 0);
    }
  });

  it("an answer after the upstream gave up is wasted at every tier", () => {
    // The user gives up at 0.3 s; the database answers at 0.5, within the service's 2 s timeout.
    // The service no longer has anyone waiting (wasted at the database), and its own answer at
    // 0.5 is not wanted either (wasted at the service).
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.5) });
    const web = service(sim, "web", { steps: [call(db, { timeout: 2, maxAttempts: 1 })] });
    const { client, at } = drive(sim, web, { timeout: 0.3 });
    at(0);
    sim.run();
    expect(db.stats).toMatchObject({ served: 1, wasted: 1 });
    expect(web.stats).toMatchObject({ served: 1, wasted: 1 });
    expect(web.stats.wastedBusySeconds).toBeCloseTo(0.5, 12);
    expect(client.stats).toMatchObject({ timeouts: 1, gaveUp: 1 });
  });

  it("dropExpired: a service skips calls whose caller has gone, before and between steps", () => {
    // One worker, 1 s of work per call, callers wait 1.5 s. Calls at 0 and 0: the second starts
    // at 1 (caller still waiting), so its work runs 1-2; its follow-up call would start at 2,
    // after its deadline 1.5, so it is answered "expired" without calling the database.
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.1) });
    const web = service(sim, "web", { dropExpired: true, steps: [work(1), call(db)] });
    const { at } = drive(sim, web, { timeout: 1.5 });
    at(0, 0);
    sim.run();
    expect(db.stats.arrived).toBe(1);
    expect(web.stats).toMatchObject({ served: 1, expired: 1, finished: 2 });
  });
});

describe("faults on a service", () => {
  const at = (sim: Simulation, t: number, f: () => void) => sim.scheduleAt(t, { handleEvent: f });

  it("a restart loses the call under way and the one waiting; their work finishes nothing", () => {
    // One worker, 1 s of work. Calls at 0 and 0.1; restart at 0.5: both lost (callers time out at
    // 2.0 and 2.1). A call at 0.6 gets the worker at once and ends at 1.6; the lost call's work
    // event at 1.0 neither answers nor frees a worker. Busy: 0.5 before the restart + 1.0 after.
    const sim = new Simulation({ seed: 1 });
    const web = service(sim, "web", { steps: [work(1)] });
    const { client, latencies, at: send } = drive(sim, web, { timeout: 2 });
    send(0, 0.1, 0.6);
    at(sim, 0.5, () => web.restart());
    sim.run();
    expect(latencies).toEqual([1]);
    expect(web.stats).toMatchObject({ arrived: 3, dropped: 2, finished: 1, served: 1 });
    expect(web.stats.busySeconds).toBeCloseTo(1.5, 12);
    expect(client.stats).toMatchObject({ timeouts: 2, gaveUp: 2 });
    expect(web.gauges()).toMatchObject({ inFlight: 0, inProgress: 0, queueLength: 0 });
  });

  it("a restart while waiting downstream: the answer that comes back is wasted below", () => {
    // web calls a 0.8 s database (one worker) then works 0.1 s. Call 1 at 0 is lost at 0.3; call 2
    // at 0.4 queues at the database behind call 1's query (0.8-1.6), then works: ends 1.7, 1.3 s.
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.8) });
    const web = service(sim, "web", { steps: [call(db, { timeout: 5 }), work(0.1)] });
    const { latencies, at: send } = drive(sim, web, { timeout: 5 });
    send(0, 0.4);
    at(sim, 0.3, () => web.restart());
    sim.run();
    expect(latencies.map((l) => Number(l.toFixed(9)))).toEqual([1.3]);
    expect(db.stats).toMatchObject({ served: 2, wasted: 1 });
    expect(web.stats).toMatchObject({ dropped: 1, served: 1 });
    expect(web.stats.busySeconds).toBeCloseTo(0.3 + 1.3, 12);
  });

  it("a pause holds finished work and answers from downstream until it ends; nothing starts", () => {
    // Work 0.2 s, one worker, paused 0.1-0.5: call 1 (at 0) is done at 0.2 but answered at 0.5;
    // call 2 (at 0.3) starts at 0.5 and ends at 0.7.
    const sim = new Simulation({ seed: 1 });
    const web = service(sim, "web", { steps: [work(0.2)] });
    const { latencies, at: send } = drive(sim, web);
    send(0, 0.3);
    at(sim, 0.1, () => web.pause());
    at(sim, 0.35, () => expect(web.capacityPerSec).toBe(0));
    at(sim, 0.5, () => web.resume());
    sim.run();
    expect(latencies.map((l) => Number(l.toFixed(9)))).toEqual([0.5, 0.4]);
    expect(web.stats.busySeconds).toBeCloseTo(0.7, 12);

    // A 0.2 s query answered during a pause (0.1-0.6): the 0.1 s work after it starts at 0.6.
    const sim2 = new Simulation({ seed: 1 });
    const db = new Server(sim2, "db", { serviceTime: constant(0.2) });
    const web2 = service(sim2, "web", { steps: [call(db), work(0.1)] });
    const d2 = drive(sim2, web2);
    d2.at(0);
    at(sim2, 0.1, () => web2.pause());
    at(sim2, 0.6, () => web2.resume());
    sim2.run();
    expect(d2.latencies.map((l) => Number(l.toFixed(9)))).toEqual([0.7]);
  });

  it("errors: a failing call is answered at once, with no work and no call downstream", () => {
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.2) });
    const web = service(sim, "web", { steps: [call(db), work(0.1)] });
    const { client, latencies, at: send } = drive(sim, web);
    web.setErrorRate(1);
    send(0, 0.5);
    at(sim, 1, () => web.setErrorRate(0));
    send(1);
    sim.run();
    expect(web.stats).toMatchObject({ errors: 2, served: 1, arrived: 3 });
    expect(db.stats.arrived).toBe(1);
    expect(client.stats.gaveUp).toBe(2);
    expect(latencies.map((l) => Number(l.toFixed(9)))).toEqual([0.3]);
    expect(() => web.setErrorRate(1.5)).toThrow(OptionError);

    // Half the calls fail: 1,000 calls give 500 +- 16 (one standard deviation) errors.
    const sim3 = new Simulation({ seed: 7 });
    const half = service(sim3, "half", { steps: [work(0.001)], concurrency: 1000 });
    half.setErrorRate(0.5);
    const d3 = drive(sim3, half);
    d3.at(...Array.from({ length: 1000 }, (_, i) => i * 0.01));
    sim3.run();
    expect(half.stats.errors).toBeGreaterThan(500 - 6 * 16);
    expect(half.stats.errors).toBeLessThan(500 + 6 * 16);
    expect(half.stats.errors + half.stats.served).toBe(1000);
  });
});

describe("options", () => {
  it("refuses bad steps and options, naming the field", () => {
    const sim = new Simulation({ seed: 1 });
    const db = new Server(sim, "db", { serviceTime: constant(0.1) });
    const path = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof OptionError) return e.path.join(".");
        throw e;
      }
      return "accepted";
    };
    expect(path(() => service(sim, "a", { steps: [] }))).toBe("steps");
    expect(path(() => service(sim, "b", { steps: [call(db, { timeout: -1 })] }))).toBe("steps.0.timeout");
    expect(
      path(() =>
        service(sim, "c", { steps: [{ kind: "parallel", calls: [{ target: db, maxAttempts: 0 }] }] }),
      ),
    ).toBe("steps.0.calls.0.maxAttempts");
    expect(path(() => service(sim, "d", { steps: [work(1)], concurrency: 0 }))).toBe("concurrency");
  });
});
