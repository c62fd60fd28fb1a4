import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EventHandle, type Handler, Simulation } from "../../src/engine/simulation.js";

/**
 * Properties of the kernel under random sequences of schedule, cancel and run calls: time never
 * goes backwards, events run in (time, scheduling order), cancelled events never run and every
 * other one runs exactly once, and named random streams depend on their name and the seed only.
 * Seeds are fixed; a failure prints fast-check's seed and path to replay it.
 */

type Op =
  | { op: "schedule"; delay: number }
  | { op: "at"; offset: number }
  | { op: "cancel"; pick: number }
  | { op: "run"; until: number | null; maxEvents: number | null }
  | { op: "nested"; delay: number };

// Few distinct delays, so that ties (equal times) are common.
const delayArb = fc.oneof(fc.constantFrom(0, 0.5, 1, 2.5), fc.double({ min: 0, max: 10, noNaN: true }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("schedule" as const), delay: delayArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("at" as const), offset: delayArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cancel" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("nested" as const), delay: delayArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("run" as const),
      until: fc.option(fc.double({ min: -5, max: 30, noNaN: true }), { nil: null }),
      maxEvents: fc.option(fc.nat({ max: 20 }), { nil: null }),
    }),
  },
);

interface Scheduled {
  id: number;
  time: number;
  handle: EventHandle;
  cancelled: boolean;
  runs: number;
}

describe("engine properties", () => {
  it("time never goes backwards; events run once, in (time, scheduling order); cancelled ones never", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const sim = new Simulation({ seed: 1 });
        const events: Scheduled[] = [];
        const ran: Scheduled[] = [];
        let lastNow = sim.now;
        const handler: Handler = {
          handleEvent(_kind, data) {
            const e = data as Scheduled;
            expect(sim.now, `event ${e.id} runs at its time`).toBe(e.time);
            expect(e.cancelled, `cancelled event ${e.id} ran`).toBe(false);
            e.runs++;
            ran.push(e);
            // An event may schedule more: the kernel must order them among the others.
            if (e.id % 3 === 0) add((e.id / 7) % 5);
          },
        };
        const add = (delay: number) => {
          const e: Scheduled = {
            id: events.length,
            time: sim.now + delay,
            handle: -1,
            cancelled: false,
            runs: 0,
          };
          e.handle = sim.schedule(delay, handler, 0, e);
          events.push(e);
        };
        const check = () => {
          expect(sim.now, "simulated time went backwards").toBeGreaterThanOrEqual(lastNow);
          lastNow = sim.now;
        };
        for (const o of ops) {
          if (o.op === "schedule" || o.op === "nested") add(o.delay);
          else if (o.op === "at") {
            const e: Scheduled = {
              id: events.length,
              time: sim.now + o.offset,
              handle: -1,
              cancelled: false,
              runs: 0,
            };
            e.handle = sim.scheduleAt(e.time, handler, 0, e);
            events.push(e);
          } else if (o.op === "cancel") {
            if (events.length === 0) continue;
            const e = events[o.pick % events.length]!;
            const expected = !e.cancelled && e.runs === 0;
            expect(sim.cancel(e.handle), `cancel(${e.id}) result`).toBe(expected);
            if (expected) e.cancelled = true;
          } else {
            sim.run({
              ...(o.until !== null && { until: o.until }),
              ...(o.maxEvents !== null && { maxEvents: sim.events + o.maxEvents }),
            });
          }
          check();
          const live = events.filter((e) => !e.cancelled && e.runs === 0).length;
          expect(sim.pending, "pending events").toBe(live);
        }
        sim.run();
        check();
        for (const e of events) expect(e.runs, `event ${e.id} runs`).toBe(e.cancelled ? 0 : 1);
        // Run order: by time, then by scheduling order (id) among equal times.
        for (let i = 1; i < ran.length; i++) {
          const a = ran[i - 1]!;
          const b = ran[i]!;
          expect(a.time < b.time || (a.time === b.time && a.id < b.id), `order of ${a.id} and ${b.id}`).toBe(
            true,
          );
        }
      }),
      { seed: 6001, numRuns: 400 },
    );
  });

  // Found by the property above: run({ until }) with `until` earlier than now set the clock back.
  it("run({ until }) with until in the past leaves the clock where it is", () => {
    const sim = new Simulation();
    sim.schedule(20, { handleEvent() {} });
    sim.run({ until: 10 });
    expect(sim.now).toBe(10);
    expect(sim.run({ until: 5 }).now).toBe(10);
    expect(sim.now).toBe(10);
  });

  // Found by fuzzing: a database slowed by contention 1e308 computed a finish time of Infinity,
  // and scheduling it threw mid-run. An event at Infinity is one that never comes.
  it("an event at Infinity never runs and its handle cancels nothing; NaN and negative delays throw", () => {
    const sim = new Simulation();
    let ran = 0;
    const h = { handleEvent: () => void ran++ };
    const never = sim.schedule(1e308 * 10, h);
    sim.scheduleAt(Number.POSITIVE_INFINITY, h);
    sim.schedule(1, h);
    expect(sim.pending).toBe(1);
    expect(sim.cancel(never)).toBe(false);
    expect(sim.run()).toMatchObject({ reason: "idle", now: 1 });
    expect(ran).toBe(1);
    expect(() => sim.schedule(Number.NaN, h)).toThrow(/>= 0, got NaN/);
    expect(() => sim.schedule(-1, h)).toThrow(/>= 0, got -1/);
  });

  it("a named stream's draws depend on the seed and its name only, not on other streams", () => {
    const nameArb = fc.stringMatching(/^[a-z]{1,6}(:[a-z]{1,6})?$/);
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 31 }),
        nameArb,
        fc.uniqueArray(nameArb, { maxLength: 5 }),
        fc.array(fc.nat({ max: 5 }), { maxLength: 30 }),
        (seed, name, others, interleave) => {
          fc.pre(!others.includes(name));
          const alone = new Simulation({ seed }).stream(name);
          const expected = Array.from({ length: 20 }, () => alone.next());
          const sim = new Simulation({ seed });
          const noise = others.map((o) => sim.stream(o));
          const mine = sim.stream(name);
          const got: number[] = [];
          let k = 0;
          while (got.length < 20) {
            // Draw from other streams in between: they must not shift this one.
            for (let j = 0; j < (interleave[k++ % Math.max(1, interleave.length)] ?? 0); j++)
              noise[j % Math.max(1, noise.length)]?.next();
            got.push(mine.next());
          }
          expect(got, `seed ${seed}, stream "${name}" beside ${JSON.stringify(others)}`).toEqual(expected);
        },
      ),
      { seed: 6002, numRuns: 200 },
    );
  });
});
