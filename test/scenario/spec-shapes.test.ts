// Distributions and load profiles state their kinds once (DISTRIBUTION_SHAPES, PROFILE_SHAPES): the
// kinds list, the TypeScript union and the loader's schema are read from that declaration. These
// tests check the three agree, kind by kind and field by field.
import { describe, expect, it } from "vitest";
import {
  createDistribution,
  DISTRIBUTION_KINDS,
  type DistributionSpec,
} from "../../src/engine/distributions.js";
import { createProfile, PROFILE_KINDS, type ProfileSpec } from "../../src/model/load/profile.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { distributionSchema, profileSchema } from "../../src/scenario/schema-parts.js";

// One valid spec of every kind, written out by hand: the union must take each (tsc checks that).
const DISTRIBUTIONS: DistributionSpec[] = [
  { kind: "constant", value: 1 },
  { kind: "uniform", min: 0, max: 1 },
  { kind: "exponential", mean: 1 },
  { kind: "normal", mean: 1, stddev: 0.1, min: 0 },
  { kind: "lognormal", mean: 1, stddev: 0.5 },
  { kind: "pareto", scale: 1, shape: 2 },
  { kind: "weibull", scale: 1, shape: 2 },
  { kind: "zipf", n: 10, exponent: 1 },
  {
    kind: "empirical",
    percentiles: [
      { p: 0, value: 1 },
      { p: 100, value: 2 },
    ],
  },
];

const PROFILES: ProfileSpec[] = [
  { kind: "constant", rate: 1 },
  { kind: "steps", steps: [{ at: 0, rate: 1 }] },
  { kind: "ramp", from: 1, to: 2, start: 0, end: 1 },
  { kind: "spike", at: 1, duration: 1, rate: 5 },
  { kind: "sum", of: [{ kind: "constant", rate: 1 }] },
  { kind: "capped", of: { kind: "constant", rate: 3 }, max: 2 },
  { kind: "switch", at: 1, from: { kind: "constant", rate: 1 }, to: { kind: "constant", rate: 2 } },
  { kind: "trace", points: [{ at: 0, rate: 1 }], scale: 2 },
];

// The union refuses what the declaration does not allow.
// @ts-expect-error a normal needs a stddev
const _noStddev: DistributionSpec = { kind: "normal", mean: 1 };
// @ts-expect-error a constant has no mean
const _stray: DistributionSpec = { kind: "constant", value: 1, mean: 2 };
// @ts-expect-error a profile inside a profile is checked as a profile
const _nested: ProfileSpec = { kind: "capped", max: 1, of: { kind: "constant", rte: 1 } };
// @ts-expect-error no such kind
const _kind: ProfileSpec = { kind: "wave", rate: 1 };

/** The error the loader gives for `serviceTime` and `profile` set to these values. */
function loaderError(serviceTime: unknown, profile: unknown): string[] {
  const text = JSON.stringify({
    name: "x",
    duration: 10,
    sources: { load: { target: "c", profile } },
    clients: { c: { target: "s" } },
    servers: { s: { serviceTime } },
  });
  try {
    parseScenarioText(text, "x.json");
    return [];
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return e.issues.map((i) => `${i.field}: ${i.message}`);
  }
}

describe("one declaration of the kinds", () => {
  it("lists the kinds in their declared order", () => {
    expect(DISTRIBUTION_KINDS).toEqual([
      "constant",
      "uniform",
      "exponential",
      "normal",
      "lognormal",
      "pareto",
      "weibull",
      "zipf",
      "empirical",
    ]);
    expect(PROFILE_KINDS).toEqual(["constant", "steps", "ramp", "spike", "sum", "capped", "switch", "trace"]);
  });

  it("the schema and the builder take one spec of every kind, and nothing else", () => {
    expect(DISTRIBUTIONS.map((d) => d.kind)).toEqual([...DISTRIBUTION_KINDS]);
    expect(PROFILES.map((p) => p.kind)).toEqual([...PROFILE_KINDS]);
    for (const d of DISTRIBUTIONS) {
      expect(distributionSchema.safeParse(d).success, d.kind).toBe(true);
      expect(() => createDistribution(d), d.kind).not.toThrow();
    }
    for (const p of PROFILES) {
      expect(profileSchema.safeParse(p).success, p.kind).toBe(true);
      expect(() => createProfile(p), p.kind).not.toThrow();
    }
  });

  it("the loader names the declared kinds and refuses undeclared fields, nested profiles included", () => {
    expect(loaderError({ kind: "gamma", mean: 1 }, { kind: "wave", rate: 1 })).toEqual([
      `sources.load.profile.kind: expected one of ${PROFILE_KINDS.join(", ")}`,
      `servers.s.serviceTime.kind: expected one of ${DISTRIBUTION_KINDS.join(", ")}`,
    ]);
    expect(
      loaderError(
        { kind: "constant", value: 1, mean: 2 },
        {
          kind: "sum",
          of: [
            { kind: "constant", rate: 1 },
            { kind: "trace", points: [{ at: 0, rte: 1 }] },
          ],
        },
      ),
    ).toEqual([
      "sources.load.profile.of.1.points.0.rate: missing required field (expected a number)",
      'sources.load.profile.of.1.points.0.rte: unknown field "rte"',
      'servers.s.serviceTime.mean: unknown field "mean"',
    ]);
    expect(loaderError({ kind: "normal", mean: 1 }, { kind: "trace", file: "" })).toEqual([
      'sources.load.profile.file: expected a non-empty string, got ""',
      "servers.s.serviceTime.stddev: missing required field (expected a number)",
    ]);
  });
});
