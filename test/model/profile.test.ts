import { describe, expect, it } from "vitest";
import { OptionError } from "../../src/engine/option-error.js";
import { createProfile } from "../../src/model/load/profile.js";

const seedSteps = createProfile({
  kind: "steps",
  steps: [
    { at: 0, rate: 9 },
    { at: 20, rate: 20 },
    { at: 30, rate: 9 },
    { at: 60, rate: 7 },
    { at: 75, rate: 5 },
    { at: 90, rate: 3 },
  ],
});

describe("load profiles", () => {
  it("steps: rate, integral and phase breakpoints", () => {
    expect(seedSteps.rate(0)).toBe(9);
    expect(seedSteps.rate(25)).toBe(20);
    expect(seedSteps.rate(95)).toBe(3);
    expect(seedSteps.integral(0, 100)).toBeCloseTo(860, 9);
    expect(seedSteps.breakpoints(100)).toEqual([0, 20, 30, 60, 75, 90]);
  });

  it("advance inverts the integral across segments", () => {
    expect(seedSteps.advance(0, 9)).toBeCloseTo(1, 12);
    expect(seedSteps.advance(19.5, 9 * 0.5 + 20 * 1)).toBeCloseTo(21, 12);
    const t = seedSteps.advance(10, 300);
    expect(seedSteps.integral(10, t)).toBeCloseTo(300, 9);
  });

  it("ramp integrates a linear rate exactly", () => {
    const p = createProfile({ kind: "ramp", from: 0, to: 10, start: 0, end: 10 });
    expect(p.rate(5)).toBe(5);
    expect(p.integral(0, 10)).toBeCloseTo(50, 9);
    // Cumulative t^2/2 reaches 8 at t = 4.
    expect(p.advance(0, 8)).toBeCloseTo(4, 9);
    expect(p.rate(20)).toBe(10);
  });

  it("sum of a constant and a spike", () => {
    const p = createProfile({
      kind: "sum",
      of: [
        { kind: "constant", rate: 7 },
        { kind: "spike", at: 10, duration: 1, rate: 3 },
      ],
    });
    expect([p.rate(5), p.rate(10.5), p.rate(11)]).toEqual([7, 10, 7]);
    expect(p.breakpoints(100)).toEqual([0, 10, 11]);
    expect(p.integral(0, 20)).toBeCloseTo(143, 9);
  });

  it("sum of ramps keeps the slope", () => {
    const p = createProfile({
      kind: "sum",
      of: [
        { kind: "ramp", from: 0, to: 10, start: 0, end: 10 },
        { kind: "ramp", from: 0, to: 10, start: 0, end: 10 },
      ],
    });
    expect(p.rate(5)).toBeCloseTo(10, 9);
    expect(p.integral(0, 10)).toBeCloseTo(100, 9);
  });

  it("never reaches load that is not offered", () => {
    const p = createProfile({ kind: "spike", at: 1, duration: 1, rate: 2 });
    expect(p.advance(0, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(p.advance(0, 1)).toBeCloseTo(1.5, 12);
  });

  it("names the bad field", () => {
    const bad = (spec: unknown, path: (string | number)[]) => {
      try {
        createProfile(spec as never);
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        expect((e as OptionError).path).toEqual(path);
        return;
      }
      throw new Error("expected an OptionError");
    };
    bad({ kind: "constant", rate: -1 }, ["rate"]);
    bad({ kind: "steps", steps: [] }, ["steps"]);
    bad(
      {
        kind: "steps",
        steps: [
          { at: 5, rate: 1 },
          { at: 5, rate: 2 },
        ],
      },
      ["steps", 1, "at"],
    );
    bad({ kind: "steps", steps: [{ at: 0, rate: Number.NaN }] }, ["steps", 0, "rate"]);
    bad({ kind: "ramp", from: 0, to: 1, start: 5, end: 5 }, ["end"]);
    bad(
      {
        kind: "sum",
        of: [
          { kind: "constant", rate: 1 },
          { kind: "spike", at: 0, duration: 0, rate: 1 },
        ],
      },
      ["of", 1, "duration"],
    );
    bad({ kind: "wave" }, ["kind"]);
  });
});
