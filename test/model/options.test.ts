import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OptionError } from "../../src/engine/option-error.js";
import { type OptionSet, option, readOptions } from "../../src/model/options.js";
import { buildModel } from "../../src/scenario/build.js";
import { type ParsedScenario, parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { runScenario } from "../../src/scenario/run.js";

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

// The documented default is the default used: a catalog scenario with every left-out option
// written out at its declared default must run exactly as the scenario does. One scenario per
// component type, run for a short while.
const DIR = join(import.meta.dirname, "..", "..", "scenarios");

type Entry = Record<string, unknown>;

/** `entry` with every option it leaves out that has a literal default written out, groups and policies included. */
function withDefaults(set: OptionSet, entry: Entry): Entry {
  const out: Entry = { ...entry };
  for (const [name, d] of Object.entries(set)) {
    if (out[name] === undefined) {
      if (d.default !== undefined && !(typeof d.default === "number" && !Number.isFinite(d.default)))
        out[name] = structuredClone(d.default);
      continue;
    }
    if (d.type === "group") out[name] = withDefaults(d.options, out[name] as Entry);
    if (d.type === "policy") {
      const v = out[name] as Entry;
      out[name] = withDefaults(d.family.variants[v.kind as string]!.options, v);
    }
  }
  return out;
}

describe("documented defaults", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml"));
  const parsedFiles = files.map((f) => parseScenarioText(readFileSync(join(DIR, f), "utf8"), f));
  const result = (parsed: ParsedScenario) => {
    const { wallSeconds: _, ...rest } = runScenario(parsed, { seed: 3 }).result;
    return JSON.stringify(rest);
  };
  for (const type of COMPONENT_TYPES) {
    it(`${type.section}: writing out the declared defaults changes nothing`, () => {
      // The first catalog scenario using the type where every default may be written out (a
      // balancer refuses failOpen without a healthCheck, even at its default).
      const fixtures = parsedFiles.flatMap((parsed) => {
        const spec = parsed.spec as Record<string, unknown> & typeof parsed.spec;
        const section = spec[type.section] as Record<string, Entry> | undefined;
        if (!section || Object.keys(section).length === 0) return [];
        const duration = Math.min(spec.duration, 60);
        const early = <F extends { at: number }>(list: F[] | undefined) =>
          list?.filter((f) => f.at < duration);
        // One leaves out every top-level option that has a default; the other writes them all out.
        const entries = Object.fromEntries(
          Object.entries(section).map(([name, e]) => [
            name,
            Object.fromEntries(Object.entries(e).filter(([k]) => type.options[k]?.default === undefined)),
          ]),
        );
        const filled = Object.fromEntries(
          Object.entries(entries).map(([name, e]) => [name, withDefaults(type.options, e)]),
        );
        const base = {
          ...spec,
          duration,
          drain: 0,
          triggers: early(spec.triggers),
          interventions: early(spec.interventions),
        };
        const explicit = { ...parsed, spec: { ...base, [type.section]: filled } };
        try {
          buildModel(explicit);
        } catch {
          return [];
        }
        return [
          { short: { ...parsed, spec: { ...base, [type.section]: entries } }, explicit, entries, filled },
        ];
      });
      expect(fixtures.length, `a catalog scenario uses ${type.section}`).toBeGreaterThan(0);
      const { short, explicit, entries, filled } = fixtures[0]!;
      expect(filled).not.toEqual(entries);
      expect(result(explicit)).toBe(result(short));
    });
  }
});
