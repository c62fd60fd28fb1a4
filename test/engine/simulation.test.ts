import { describe, expect, it } from "vitest";
import { type Handler, Simulation } from "../../src/engine/simulation.js";

class Log implements Handler {
  readonly seen: [number, number, unknown][] = [];
  constructor(private readonly sim: Simulation) {}
  handleEvent(kind: number, data: unknown): void {
    this.seen.push([this.sim.now, kind, data]);
  }
}

describe("Simulation", () => {
  it("runs same-time events in scheduling order and advances the clock", () => {
    const sim = new Simulation();
    const log = new Log(sim);
    sim.schedule(2, log, 1, "b");
    sim.schedule(1, log, 0, "a");
    sim.schedule(2, log, 2, "c");
    const status = sim.run();
    expect(status.reason).toBe("idle");
    expect(log.seen).toEqual([
      [1, 0, "a"],
      [2, 1, "b"],
      [2, 2, "c"],
    ]);
    expect(sim.events).toBe(3);
  });

  it("cancels a scheduled event, and a stale handle is harmless", () => {
    const sim = new Simulation();
    const log = new Log(sim);
    const h = sim.schedule(1, log, 0, "x");
    expect(sim.pending).toBe(1);
    expect(sim.cancel(h)).toBe(true);
    expect(sim.cancel(h)).toBe(false);
    expect(sim.pending).toBe(0);
    // The freed slot is reused; the old handle must not cancel the new event.
    sim.run();
    sim.schedule(1, log, 0, "y");
    expect(sim.cancel(h)).toBe(false);
    sim.run();
    // A cancelled event does not move the clock.
    expect(log.seen).toEqual([[1, 0, "y"]]);
  });

  it("drops cancelled events once they dominate the heap, without changing the order of the rest", () => {
    // Every step schedules a far-off timeout and cancels it (a call answered in time) and a near
    // event at a time that collides with others; the run must match one with no timeouts at all.
    const run = (withTimeouts: boolean) => {
      const sim = new Simulation();
      const log = new Log(sim);
      let peak = 0;
      const step: Handler = {
        handleEvent(kind) {
          log.handleEvent(kind, null);
          if (kind >= 20_000) return;
          if (withTimeouts) sim.cancel(sim.schedule(1e5, log, -1));
          sim.schedule((kind * 7) % 3, step, kind + 1);
          sim.schedule((kind * 5) % 3, log, kind);
          peak = Math.max(peak, sim.queued);
        },
      };
      sim.schedule(0, step, 0);
      sim.run();
      return { seen: log.seen, peak, pending: sim.pending };
    };
    const plain = run(false);
    const cancelled = run(true);
    expect(cancelled.seen).toEqual(plain.seen);
    expect(cancelled.pending).toBe(0);
    // 20,000 cancelled timeouts, never more than about 1,024 of them held at once.
    expect(cancelled.peak).toBeLessThan(1100);
  });

  it("stops at `until` with the clock there, and resumes", () => {
    const sim = new Simulation();
    const log = new Log(sim);
    sim.schedule(1, log);
    sim.schedule(5, log);
    expect(sim.run({ until: 3 })).toMatchObject({ reason: "until", now: 3 });
    expect(log.seen.length).toBe(1);
    expect(sim.run({ until: 10 })).toMatchObject({ reason: "until", now: 10 });
    expect(log.seen.length).toBe(2);
  });

  it("stops a runaway model at the event budget and can resume exactly", () => {
    const sim = new Simulation();
    let n = 0;
    const loop: Handler = {
      handleEvent() {
        n++;
        sim.schedule(0, loop);
      },
    };
    sim.schedule(0, loop);
    expect(sim.run({ maxEvents: 1000 })).toMatchObject({ reason: "event-budget", events: 1000 });
    expect(n).toBe(1000);
    expect(sim.run({ maxEvents: 1500 }).events).toBe(1500);
  });

  it("stops at the wall-clock budget", () => {
    let fake = 0;
    const sim = new Simulation({ clock: () => fake });
    const loop: Handler = {
      handleEvent() {
        fake += 1; // each event "takes" 1 ms
        sim.schedule(1, loop);
      },
    };
    sim.schedule(0, loop);
    const status = sim.run({ maxWallSeconds: 10 });
    expect(status.reason).toBe("wall-budget");
    expect(status.events).toBeGreaterThanOrEqual(10_000);
    expect(status.events).toBeLessThan(20_000);
  });

  it("refuses negative delays, past times and bad seeds", () => {
    const sim = new Simulation();
    const log = new Log(sim);
    expect(() => sim.schedule(-1, log)).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, log)).toThrow(RangeError);
    sim.schedule(2, log);
    sim.run();
    expect(() => sim.scheduleAt(1, log)).toThrow(/before now/);
    expect(() => new Simulation({ seed: -1 })).toThrow(RangeError);
    expect(() => new Simulation({ seed: 1.5 })).toThrow(RangeError);
  });

  it("gives each name its own stream, once", () => {
    const sim = new Simulation({ seed: 3 });
    const a = sim.stream("a");
    expect(() => sim.stream("a")).toThrow(/already taken/);
    const b = sim.stream("b");
    expect(a.next()).not.toBe(b.next());
  });
});
