// A source's arrival times, worked out by hand from its profile: with `even` arrivals the n-th
// request comes when exactly n requests' worth of load has accrued (the integral of the rate
// reaches n), and none comes at or after `until`.
import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import { Source, type SourceOptions } from "../../../src/model/components/source.js";

function run(options: SourceOptions, until: number, at?: { t: number; factor: number }) {
  const sim = new Simulation({ seed: 7 });
  const times: number[] = [];
  const source = new Source(sim, "load", { name: "c", request: () => times.push(sim.now) }, options, until);
  source.start();
  if (at) sim.scheduleAt(at.t, { handleEvent: () => source.setLoadFactor(at.factor) });
  sim.run({ until: until + 1 });
  return { times, source };
}

describe("source", () => {
  it("even arrivals at a constant 4 req/s: one every 0.25 s, the last before until", () => {
    const { times, source } = run({ profile: { kind: "constant", rate: 4 }, arrivals: "even" }, 10);
    // 0.25, 0.5, ..., 9.75: 39 arrivals; the 40th would be at 10, which is not before until.
    expect(times).toEqual(Array.from({ length: 39 }, (_, i) => (i + 1) * 0.25));
    expect(source.stats.arrivals).toBe(39);
  });

  it("even arrivals on a ramp from 0 to 10 req/s over 10 s: the n-th at sqrt(2n)", () => {
    // Load accrued by t is t^2 / 2, so the n-th request comes at sqrt(2n); by 9 s, 40.5 have accrued.
    const { times } = run(
      { profile: { kind: "ramp", from: 0, to: 10, start: 0, end: 10 }, arrivals: "even" },
      9,
    );
    expect(times).toHaveLength(40);
    for (const [i, t] of times.entries()) expect(t).toBeCloseTo(Math.sqrt(2 * (i + 1)), 9);
  });

  it("a load factor changes the rate from then on, keeping the load already accrued", () => {
    // 4 req/s: arrivals at 0.25 ... 5.0 (20). At 5.1, 0.4 of the next request has accrued; at
    // 8 req/s the remaining 0.6 takes 0.075 s: 5.175, then one every 0.125 s up to 9.925 (39 more).
    const { times } = run({ profile: { kind: "constant", rate: 4 }, arrivals: "even" }, 10, {
      t: 5.1,
      factor: 2,
    });
    expect(times).toHaveLength(59);
    expect(times[19]).toBe(5);
    for (const [k, t] of times.slice(20).entries()) expect(t).toBeCloseTo(5.175 + 0.125 * k, 9);
  });

  it("a load factor of 0 stops it", () => {
    const { times } = run({ profile: { kind: "constant", rate: 4 }, arrivals: "even" }, 10, {
      t: 2.1,
      factor: 0,
    });
    expect(times).toHaveLength(8);
  });

  it("poisson arrivals: about rate x time of them, with exponential gaps", () => {
    // 100 req/s for 100 s: 10,000 expected, standard deviation 100; gaps have mean 0.01 and a
    // coefficient of variation of 1 (even arrivals would have 0).
    const { times } = run({ profile: { kind: "constant", rate: 100 } }, 100);
    expect(times.length).toBeGreaterThan(9600);
    expect(times.length).toBeLessThan(10400);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(0.01, 3);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it("refuses a bad option, naming it", () => {
    const refusal = (options: unknown) => {
      try {
        run(options as SourceOptions, 1);
        return "accepted";
      } catch (e) {
        if (!(e instanceof OptionError)) throw e;
        return `${e.path.join(".")}: ${e.message}`;
      }
    };
    expect(refusal({ profile: { kind: "constant", rate: 1 }, arrivals: "uniform" })).toBe(
      'arrivals: expected "even" or "poisson", got "uniform"',
    );
    expect(refusal({ profile: { kind: "constant", rate: -1 } })).toBe(
      "profile.rate: expected a number >= 0 and <= 1000000, got -1",
    );
  });
});

/** Arrival times of a source over [0, until), with `during` run before the simulation starts. */
function arrivals(options: SourceOptions, until: number, during?: (sim: Simulation, src: Source) => void) {
  const sim = new Simulation({ seed: 3 });
  const times: number[] = [];
  const src = new Source(sim, "users", { name: "sink", request: () => times.push(sim.now) }, options, until);
  src.start();
  during?.(sim, src);
  sim.run();
  return times;
}

// A constant profile (one endless piece) takes a shortcut to its next arrival; steps are walked by
// `LoadProfile.advance`. Before the second step both must give the same arrivals, bit for bit.
describe("source: the constant-rate shortcut", () => {
  const steps: SourceOptions = {
    profile: {
      kind: "steps",
      steps: [
        { at: 0, rate: 50 },
        { at: 10, rate: 60 },
      ],
    },
  };

  it("gives exactly the arrivals of the same rate reached through the general path", () => {
    const constant = arrivals({ profile: { kind: "constant", rate: 50 } }, 9);
    expect(constant.length).toBeGreaterThan(400);
    expect(arrivals(steps, 9)).toEqual(constant);
  });

  it("and with load factors set mid-run", () => {
    const spike = (sim: Simulation, src: Source) => {
      sim.scheduleAt(3, { handleEvent: () => src.setLoadFactor(2.5) });
      sim.scheduleAt(6, { handleEvent: () => src.setLoadFactor(0.5) });
    };
    const constant = arrivals({ profile: { kind: "constant", rate: 50 } }, 9, spike);
    // About 150 + 375 + 75 arrivals.
    expect(constant.length).toBeGreaterThan(500);
    expect(arrivals(steps, 9, spike)).toEqual(constant);
  });
});
