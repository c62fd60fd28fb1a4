// The contract every component type in the registry keeps, checked on a scenario made from the
// registry alone (test/scenario/fixtures.ts: its template, its optional groups on and every default
// written out, so each numeric option has a value to spoil), not on the catalog: counters are finite, non-negative and only grow; gauges are finite; describe() gives
// strings; the same seed gives the same counters; and a bad value for any numeric option is
// refused with an error at that option's field, never a crash or a silent run.
import { describe, expect, it } from "vitest";
import { isLoadGenerator } from "../../src/model/component.js";
import { buildModel } from "../../src/scenario/build.js";
import type { ComponentType } from "../../src/scenario/component-type.js";
import type { ParsedScenario } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { fixtureFor, withDefaults, withGroups } from "../scenario/fixtures.js";

/** The registry fixture of `type` with its optional groups on and every default written out. */
function fixtureOf(type: ComponentType): { parsed: ParsedScenario; name: string } {
  return fixtureFor(type, (e) => withDefaults(type.options, withGroups(type.options, e)));
}

/** Runs the model in `steps` equal slices, returning each component's counters after every slice. */
function countersOverTime(parsed: ParsedScenario, seed: number, steps = 8) {
  const model = buildModel(parsed, seed);
  model.faults.start();
  for (const c of model.components) c.start?.();
  const end = model.settings.duration + model.settings.drain;
  const slices: Map<string, Record<string, number>>[] = [];
  const gauges: Map<string, Record<string, number>>[] = [];
  for (let i = 1; i <= steps; i++) {
    model.sim.run({ until: (end * i) / steps });
    slices.push(new Map(model.components.map((c) => [c.name, { ...(c.stats as Record<string, number>) }])));
    gauges.push(new Map(model.components.map((c) => [c.name, c.gauges?.() ?? {}])));
  }
  return { model, slices, gauges };
}

/** Paths to every number in an entry (option values), e.g. ["timeout"], ["profile", "rate"]. */
function numericPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "number") return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericPaths(v, [...prefix, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => numericPaths(v, [...prefix, k]));
  }
  return [];
}

function setPath(target: unknown, path: (string | number)[], v: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = v;
}

describe.each(COMPONENT_TYPES.map((t) => [t.type, t] as const))("%s contract", (type, t) => {
  const section = t.section;
  const { parsed, name } = fixtureOf(t);

  it("counters are finite, non-negative and never decrease; gauges are finite", () => {
    const { slices, gauges, model } = countersOverTime(parsed, 3);
    const component = model.components.find((c) => c.name === name)!;
    expect(component.type).toBe(type);
    let previous: Record<string, number> = {};
    for (const slice of slices) {
      const stats = slice.get(name)!;
      expect(Object.keys(stats).length).toBeGreaterThan(0);
      for (const [key, v] of Object.entries(stats)) {
        expect(Number.isFinite(v), `${name}.${key} = ${v}`).toBe(true);
        if (key === "inFlight") continue; // a level, not a count
        expect(v, `${name}.${key}`).toBeGreaterThanOrEqual(0);
        expect(v, `${name}.${key} went down`).toBeGreaterThanOrEqual(previous[key] ?? 0);
      }
      previous = stats;
    }
    for (const g of gauges) {
      for (const [key, v] of Object.entries(g.get(name)!)) {
        expect(Number.isFinite(v), `gauge ${name}.${key} = ${v}`).toBe(true);
      }
    }
  });

  it("describes its settings as strings", () => {
    const model = buildModel(parsed, 1);
    const component = model.components.find((c) => c.name === name)!;
    const described = component.describe?.() ?? {};
    for (const [key, v] of Object.entries(described)) expect(typeof v, key).toBe("string");
  });

  it("the same seed gives the same counters; its draws come from its own streams", () => {
    const a = countersOverTime(parsed, 11, 2).slices.at(-1)!.get(name);
    const b = countersOverTime(parsed, 11, 2).slices.at(-1)!.get(name);
    expect(a).toEqual(b);
  });

  it("a bad value for any numeric option is refused at that option's field", () => {
    const entry = (parsed.spec as unknown as Record<string, Record<string, unknown>>)[section]![name];
    const paths = numericPaths(entry);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      for (const bad of [-1, Number.NaN]) {
        const spec = structuredClone(parsed.spec) as unknown as Record<string, Record<string, unknown>>;
        setPath(spec[section]![name], path, bad);
        const field = [section, name, ...path].join(".");
        let error: unknown = null;
        try {
          buildModel({ ...parsed, spec: spec as unknown as ParsedScenario["spec"] }, 1);
        } catch (e) {
          error = e;
        }
        // Some options accept -1 (none do accept NaN); when refused, the error names the field.
        if (error === null) {
          expect(Number.isNaN(bad), `${field} accepted NaN`).toBe(false);
          continue;
        }
        expect(error, `${field} = ${bad}`).toBeInstanceOf(ScenarioError);
        const fields = (error as ScenarioError).issues.map((i) => i.field);
        expect(
          fields.some((f) => f === field || f.startsWith(`${field}.`) || field.startsWith(`${f}.`)),
          `${field} = ${bad} was reported at ${fields.join(", ")}`,
        ).toBe(true);
      }
    }
  });
});

describe("load generators", () => {
  it("sources and lease fleets are the load generators, nothing else", () => {
    for (const t of COMPONENT_TYPES) {
      const { parsed, name } = fixtureOf(t);
      const c = buildModel(parsed, 1).components.find((x) => x.name === name)!;
      expect(isLoadGenerator(c), t.type).toBe(t.type === "source" || t.type === "leaseFleet");
    }
  });
});
