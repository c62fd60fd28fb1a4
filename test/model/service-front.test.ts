// The front that servers, databases, calling services and pools share: the same refusals, limits
// and expiry on each, on cases worked out by hand (constant service times, every call at t = 0).
import { describe, expect, it } from "vitest";
import type { Distribution } from "../../src/engine/distribution.js";
import { Simulation } from "../../src/engine/simulation.js";
import type { Service } from "../../src/model/call.js";
import { Database } from "../../src/model/components/database.js";
import { ConnectionPool } from "../../src/model/components/pool.js";
import { Server } from "../../src/model/components/server.js";
import { CallingService } from "../../src/model/components/service.js";
import { TestCaller } from "./test-caller.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/** One worker taking 1 s a call, with `queueCapacity` waiting places, of each kind that has a front. */
const kinds: Record<string, (sim: Simulation, queueCapacity?: number, dropExpired?: boolean) => Service> = {
  server: (sim, queueCapacity, dropExpired) =>
    new Server(sim, "s", { serviceTime: constant(1), queueCapacity, dropExpired }),
  database: (sim, queueCapacity, dropExpired) =>
    new Database(sim, "db", { serviceTime: constant(1), concurrency: 1, queueCapacity, dropExpired }),
  service: (sim, queueCapacity, dropExpired) =>
    new CallingService(sim, "web", {
      steps: [{ kind: "work", serviceTime: constant(1) }],
      queueCapacity,
      dropExpired,
    }),
  // A pool's worker is its one connection to a 1 s server; it always drops expired calls.
  pool: (sim, queueCapacity) =>
    new ConnectionPool(sim, "pool", [new Server(sim, "backend", { serviceTime: constant(1) })], {
      size: 1,
      queueCapacity,
    }),
};

/** Sends `deadlines.length` calls at t = 0 (call i with deadline `deadlines[i]`) and runs 50 s on. */
function send(sim: Simulation, service: Service, deadlines: number[]): TestCaller {
  const caller = new TestCaller(sim);
  deadlines.forEach((deadline, token) => {
    service.accept(caller, token, deadline);
  });
  sim.run({ until: sim.now + 50 });
  return caller;
}

const statsOf = (s: Service) => (s as unknown as { stats: Record<string, number> }).stats;

describe("a service front", () => {
  for (const [kind, make] of Object.entries(kinds)) {
    it(`${kind}: one call served, one waiting, the third refused while the queue of 1 is full`, () => {
      const sim = new Simulation({ seed: 1 });
      const service = make(sim, 1);
      const caller = send(sim, service, [Infinity, Infinity, Infinity]);
      // Refused at once, at t = 0; the two others served at 1 and 2.
      expect([...caller.status]).toEqual([
        [2, "rejected"],
        [0, "ok"],
        [1, "ok"],
      ]);
      expect([...caller.at.values()]).toEqual([0, 1, 2]);
      expect(statsOf(service).rejected).toBe(1);
    });

    it(`${kind}: a call whose deadline passes while it waits is answered "expired" when taken, without work`, () => {
      const sim = new Simulation({ seed: 1 });
      const service = make(sim, undefined, true);
      // Call 1 (deadline 0.5) and call 2 (deadline 2.5) wait behind call 0 until t = 1: the first
      // has expired then, the second is served from 1 to 2.
      const caller = send(sim, service, [Infinity, 0.5, 2.5]);
      expect(caller.status.get(1)).toBe("expired");
      expect(caller.at.get(1)).toBe(1);
      expect(caller.status.get(2)).toBe("ok");
      expect(caller.at.get(2)).toBe(2);
      expect(statsOf(service).expired).toBe(1);
    });
  }

  it("a call taken exactly at its deadline is still worked on by a server, never sent by a pool", () => {
    // Call 1 waits until t = 1, its deadline. A server's dropExpired drops only calls past their
    // deadline; a pool does not send a call at its deadline, since it would time out at once.
    const server = new Simulation({ seed: 1 });
    expect(send(server, kinds.server!(server, undefined, true), [Infinity, 1]).status.get(1)).toBe("ok");
    const pool = new Simulation({ seed: 1 });
    expect(send(pool, kinds.pool!(pool), [Infinity, 1]).status.get(1)).toBe("expired");
  });

  for (const kind of ["server", "database", "service"]) {
    it(`${kind}: while unreachable every call is answered "unavailable" at once and counted dropped`, () => {
      const sim = new Simulation({ seed: 1 });
      const service = kinds[kind]!(sim) as Service & {
        setReachable(r: boolean): void;
        capacityPerSec: number;
      };
      service.setReachable(false);
      expect(service.capacityPerSec).toBe(0);
      const caller = send(sim, service, [Infinity, Infinity]);
      expect(caller.count("unavailable")).toBe(2);
      expect(statsOf(service)).toMatchObject({ arrived: 2, dropped: 2, rejected: 0, finished: 0 });
      service.setReachable(true);
      expect(send(sim, service, [Infinity]).status.get(0)).toBe("ok");
    });
  }

  it('a service that answers "empty" while unreachable counts the calls empty as well as dropped', () => {
    const sim = new Simulation({ seed: 1 });
    const web = new CallingService(sim, "web", {
      steps: [{ kind: "work", serviceTime: constant(1) }],
      unreachableAnswer: "empty",
    });
    web.setReachable(false);
    expect(send(sim, web, [Infinity]).status.get(0)).toBe("empty");
    expect(web.stats).toMatchObject({ arrived: 1, dropped: 1, empty: 1 });
  });

  it("a calling service with CoDel answers each call once: the shed call expired, the taken one served", () => {
    // Ten calls at t = 0, one worker, 1 s each, CoDel (target 5 ms, interval 100 ms). At t = 1 call
    // 1 has waited 1 s with others behind it: CoDel notes the standing queue (above target until
    // 1.1). At t = 2 it sheds call 2 and hands over call 3, which is served from 2 to 3.
    const sim = new Simulation({ seed: 1 });
    const web = new CallingService(sim, "web", {
      steps: [{ kind: "work", serviceTime: constant(1) }],
      queue: { kind: "codel" },
    });
    const caller = send(
      sim,
      web,
      Array.from({ length: 10 }, () => Infinity),
    );
    expect(caller.status.size).toBe(10);
    expect(caller.status.get(2)).toBe("expired");
    expect(caller.at.get(2)).toBe(2);
    expect(caller.status.get(3)).toBe("ok");
    expect(caller.at.get(3)).toBe(3);
    expect(web.stats.served + web.stats.expired).toBe(10);
  });
});
