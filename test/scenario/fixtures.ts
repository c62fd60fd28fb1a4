import type { OptionSet } from "../../src/model/options.js";
import { accepts, type ComponentType, referenceOptions } from "../../src/scenario/component-type.js";
import { type ParsedScenario, parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";

// Scenarios built from the registry alone: each component starts from its type's template and its
// references are wired to components of a kind the declaration accepts (made the same way), with a
// source and a client so that load reaches it. The contract, defaults, registry and reference tests
// use these instead of the user-facing catalog, so a new component type needs no catalog scenario
// to be tested.

/** Scenario sections by name, then component name, then entry. */
export type Sections = Record<string, Record<string, Record<string, unknown>>>;

/** A component type by its type name. */
export const typeNamed = (t: string): ComponentType => COMPONENT_TYPES.find((c) => c.type === t)!;

/** Builds scenario specs out of registry templates. */
export class FixtureBuilder {
  readonly sections: Sections = {};
  private count = 0;

  /** Adds a component of `type` (named `name`, or a fresh name) with its references wired; returns its name. */
  add(type: ComponentType, name = `${type.type}${++this.count}`): string {
    const entry: Record<string, unknown> = structuredClone(type.template) as Record<string, unknown>;
    // References first, so that nothing it names can name it back.
    for (const { field, ref } of referenceOptions(type)) {
      const to = this.provide((t) => accepts(ref, t));
      entry[field] = ref.list ? [to] : to;
    }
    this.sections[type.section] = { ...this.sections[type.section], [name]: entry };
    return name;
  }

  /** A component the predicate accepts: an existing one, else a new one (preferring types that name nothing). */
  provide(ok: (t: ComponentType) => boolean): string {
    for (const t of COMPONENT_TYPES) {
      const existing = Object.keys(this.sections[t.section] ?? {});
      if (ok(t) && existing.length > 0) return existing[0]!;
    }
    const candidates = COMPONENT_TYPES.filter(ok);
    const type = candidates.find((t) => referenceOptions(t).length === 0) ?? candidates[0];
    if (!type) throw new Error("no component type is accepted");
    return this.add(type);
  }

  /** Makes sure load flows: a client calling `service` (when given), fed by a source. */
  withLoad(service?: string): this {
    const sink = this.provide((t) => t.roles.includes("requestSink"));
    const entryOf = (name: string) => Object.values(this.sections).find((e) => name in e)![name]!;
    if (service) entryOf(sink).target = service;
    // A scenario needs a source even when something else generates load too.
    if (Object.keys(this.sections.sources ?? {}).length === 0) this.add(typeNamed("source"), "load");
    return this;
  }

  /** The scenario as the loader reads it. */
  parsed(duration = 20): ParsedScenario {
    return parseScenarioText(
      JSON.stringify({ name: "fixture", duration, ...this.sections }, null, 2),
      "fixture.json",
    );
  }
}

/** An entry's option object. */
export type Entry = Record<string, unknown>;

/** `entry` with every option it leaves out that has a literal default written out, groups and policies included. */
export function withDefaults(set: OptionSet, entry: Entry): Entry {
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

/**
 * `entry` with every optional group that needs nothing turned on as `{}` (a client's retry budget,
 * a balancer's health check), so options that only apply with it (failOpen) can be written too.
 */
export function withGroups(set: OptionSet, entry: Entry): Entry {
  const out: Entry = { ...entry };
  for (const [name, d] of Object.entries(set)) {
    if (d.type !== "group" || out[name] !== undefined || d.default !== undefined) continue;
    if (Object.values(d.options).some((o) => o.required)) continue;
    out[name] = {};
  }
  return out;
}

/**
 * A small valid scenario holding one component of `type`, named `x`, with load reaching it;
 * `edit` may change x's entry (write defaults out, turn groups on).
 */
export function fixtureFor(
  type: ComponentType,
  edit: (entry: Entry) => Entry = (e) => e,
): { parsed: ParsedScenario; name: string } {
  const b = new FixtureBuilder();
  b.add(type, "x");
  b.sections[type.section]!.x = edit(b.sections[type.section]!.x!);
  const first = referenceOptions(type)[0];
  const x = b.sections[type.section]!.x!;
  // Load goes to x when it takes calls, else to what it works on (an autoscaler's balancer).
  const service = type.roles.includes("service")
    ? "x"
    : first && !type.roles.includes("load")
      ? [x[first.field]].flat()[0]
      : undefined;
  b.withLoad(service as string | undefined);
  return { parsed: b.parsed(), name: "x" };
}
