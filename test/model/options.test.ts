import { describe, expect, it } from "vitest";
import { OptionError } from "../../src/engine/option-error.js";
import { type OptionSet, option, readOptions } from "../../src/model/options.js";
import type { ParsedScenario } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { runScenario } from "../../src/scenario/run.js";
import { fixtureFor, withDefaults, withGroups } from "../scenario/fixtures.js";

const SET = {
  size: option.integer({ doc: "Size.", default: 4, min: 1 }),
  cap: option.integer({ doc: "Cap.", default: Number.POSITIVE_INFINITY, min: 0, unbounded: true }),
  rate: option.number({ doc: "Rate.", required: true, min: 0, exclusiveMin: true }),
  mode: option.choice({ doc: "Mode.", values: ["a", "b", "c"], default: "a" }),
  on: option.boolean({ doc: "On.", default: false }),
} as const;

function refusal(given: object): string {
  try {
    readOptions(SET, given);
  } catch (e) {
    if (e instanceof OptionError) return `${e.path.join(".")}: ${e.message}`;
    throw e;
  }
  return "accepted";
}

describe("readOptions", () => {
  it("fills every declared default and keeps what is given", () => {
    expect(readOptions(SET, { rate: 2 })).toEqual({
      size: 4,
      cap: Number.POSITIVE_INFINITY,
      rate: 2,
      mode: "a",
      on: false,
    });
    expect(readOptions(SET, { rate: 2, size: 7, cap: 3, mode: "c", on: true })).toEqual({
      size: 7,
      cap: 3,
      rate: 2,
      mode: "c",
      on: true,
    });
  });

  it("refuses each option out of its declared range, naming the option", () => {
    expect(refusal({})).toBe("rate: expected a number > 0, got undefined");
    expect(refusal({ rate: 0 })).toBe("rate: expected a number > 0, got 0");
    expect(refusal({ rate: 1, size: 0 })).toBe("size: expected an integer >= 1, got 0");
    expect(refusal({ rate: 1, size: 1.5 })).toBe("size: expected an integer >= 1, got 1.5");
    // Infinity means "unbounded" only where the declaration says so.
    expect(refusal({ rate: 1, size: Number.POSITIVE_INFINITY })).toBe(
      "size: expected an integer >= 1, got Infinity",
    );
    expect(refusal({ rate: 1, cap: Number.POSITIVE_INFINITY })).toBe("accepted");
    expect(refusal({ rate: 1, cap: -1 })).toBe("cap: expected an integer >= 0, got -1");
    expect(refusal({ rate: 1, mode: "d" })).toBe('mode: expected "a", "b" or "c", got "d"');
    expect(refusal({ rate: 1, on: "yes" })).toBe('on: expected true or false, got "yes"');
  });
});

// The documented default is the default used: for every component type, a scenario made from the
// registry alone (test/scenario/fixtures.ts) with every left-out option written out at its declared
// default must run exactly as the same scenario leaving them out. Optional groups that need nothing
// are turned on in both, so their options and the options that depend on them are covered too.
describe("documented defaults", () => {
  const result = (parsed: ParsedScenario) => {
    const { wallSeconds: _, ...rest } = runScenario(parsed, { seed: 3 }).result;
    return JSON.stringify(rest);
  };
  for (const type of COMPONENT_TYPES) {
    it(`${type.section}: writing out the declared defaults changes nothing`, () => {
      const short = fixtureFor(type, (e) => withGroups(type.options, e));
      const explicit = fixtureFor(type, (e) => withDefaults(type.options, withGroups(type.options, e)));
      const entry = (f: typeof short) => (f.parsed.spec[type.section] as Record<string, unknown>).x;
      expect(entry(explicit)).not.toEqual(entry(short));
      expect(result(explicit.parsed)).toBe(result(short.parsed));
    });
  }

  it("fails when a component uses a default other than the one declared", () => {
    // The same comparison with one default misdeclared: the server's concurrency said to be 2.
    const server = COMPONENT_TYPES.find((t) => t.type === "server")!;
    const wrong = {
      ...server.options,
      concurrency: { ...server.options.concurrency!, default: 2 },
    } as OptionSet;
    const short = fixtureFor(server);
    const explicit = fixtureFor(server, (e) => withDefaults(wrong, e));
    expect(result(explicit.parsed)).not.toBe(result(short.parsed));
  });
});
