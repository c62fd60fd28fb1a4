import { CALL_OPTIONS } from "../../src/model/service-steps.js";
import { buildModel } from "../../src/scenario/build.js";
import {
  accepts,
  type ComponentType,
  describeAccepted,
  referenceOptions,
} from "../../src/scenario/component-type.js";
import type { ParsedScenario } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";

// Which connections the canvas offers is asked of the registry itself: a component type's option
// declarations say which of its fields name other components and what each may name (a role such
// as "service", or a type: a source feeds a client, an autoscaler scales a balancer), and building
// the scenario with a candidate connection in place says whether the rest holds (no wiring cycles,
// the component's own checks). Nothing here lists component kinds, so a type added to the registry
// is wired correctly with no change to the page.

/**
 * A field that names other components: one name (`target`) or a list of them (`backends`). A
 * `step` field is a service's list of steps: a connection adds a call step (`{ kind: call, target }`).
 */
export interface ReferenceField {
  field: string;
  list: boolean;
  step?: true;
}

/** The fields of `type` that name other components, in declaration order. */
export function referenceFields(type: ComponentType): ReferenceField[] {
  return referenceOptions(type).map(({ field, ref }) => ({ field, list: ref.list }));
}

/** The options of `type` holding a service's steps (`steps:`), whose call steps name components. */
export function stepFields(type: ComponentType): ReferenceField[] {
  return Object.entries(type.options).flatMap(([field, d]) =>
    d.type === "value" && d.format === "steps" ? [{ field, list: true, step: true as const }] : [],
  );
}

/** Every field the canvas can wire `type` through: its references, then its call steps. */
export function connectionFields(type: ComponentType): ReferenceField[] {
  return [...referenceFields(type), ...stepFields(type)];
}

/** What writing a connection to `to` through `ref` makes of the field's current value. */
export function connectedValue(ref: ReferenceField, current: unknown, to: string): unknown {
  const list = Array.isArray(current) ? current : [];
  if (ref.step) return [...list, { kind: "call", target: to }];
  return ref.list ? [...list, to] : to;
}

type Entries = Record<string, Record<string, unknown>>;
/** The scenario's spec as plain sections, for trying changes on a copy. */
export type SpecSections = Record<string, unknown>;

// A build takes milliseconds (queues and event lists are allocated up front), and the canvas asks
// about every pair of components, so answers are kept by kind: whether a source can feed a server
// does not depend on which source or server. Only conclusive answers are kept (the build reached
// the field in question); wiring cycles depend on the instances and are found without building.
const answers = new Map<string, string | null>();

/**
 * Builds a copy of `parsed` changed by `change`; returns the first problem the build reports at
 * `field` (or below it), or null. A problem elsewhere that stops the build first does not count.
 * With `kindKey`, a conclusive answer is remembered for every change of the same kinds.
 */
export function problemAfter(
  parsed: ParsedScenario,
  change: (spec: SpecSections) => void,
  field: string,
  kindKey?: string,
): string | null {
  if (kindKey !== undefined && answers.has(kindKey)) return answers.get(kindKey)!;
  const spec = structuredClone(parsed.spec) as unknown as SpecSections;
  change(spec);
  let answer: string | null = null;
  let conclusive = true;
  try {
    buildModel({ ...parsed, spec: spec as unknown as ParsedScenario["spec"] });
  } catch (e) {
    const hit =
      e instanceof ScenarioError
        ? e.issues.find((i) => i.field === field || i.field.startsWith(`${field}.`))
        : undefined;
    if (hit) answer = hit.message;
    else conclusive = false;
  }
  if (kindKey !== undefined && conclusive) answers.set(kindKey, answer);
  return answer;
}

/** The type of the component called `name` in `spec`, if there is one. */
export function typeOf(spec: unknown, name: string): ComponentType | undefined {
  const sections = spec as Record<string, Entries | undefined>;
  return COMPONENT_TYPES.find((t) => sections[t.section]?.[name] !== undefined);
}

/** The chain of references from `start` to `goal`, or null when `goal` cannot be reached. */
function pathBetween(spec: unknown, start: string, goal: string): string[] | null {
  const sections = spec as Record<string, Entries | undefined>;
  const seen = new Set<string>();
  const walk = (name: string): string[] | null => {
    if (name === goal) return [name];
    if (seen.has(name)) return null;
    seen.add(name);
    const t = typeOf(spec, name);
    const entry = t && sections[t.section]?.[name];
    if (!t || !entry) return null;
    // Every name the entry holds as its type declares them: references and service call steps.
    let refs: { name: unknown }[] = [];
    try {
      refs = t.references(entry as never);
    } catch {
      // A malformed entry names nothing yet.
    }
    for (const { name: next } of refs) {
      if (typeof next !== "string") continue;
      const rest = walk(next);
      if (rest) return [name, ...rest];
    }
    return null;
  };
  return walk(start);
}

/**
 * Why wiring `from` (a component of `parsed`) to `to` through `ref` is refused, or null when the
 * scenario builds with it.
 */
export function connectionProblem(
  parsed: ParsedScenario,
  from: { section: string; name: string },
  ref: ReferenceField,
  to: string,
): string | null {
  if (from.name === to) return "a component cannot call itself";
  const entry = (parsed.spec as unknown as Record<string, Entries | undefined>)[from.section]?.[from.name];
  if (!entry) return `no component ${from.name}`;
  const list = Array.isArray(entry[ref.field]) ? (entry[ref.field] as unknown[]) : [];
  // A service may call the same component in two steps; a list of backends names each once.
  if (ref.list && !ref.step && list.includes(to))
    return `${to} is already one of ${from.name}'s ${ref.field}`;
  const back = pathBetween(parsed.spec, to, from.name);
  if (back) return `wiring cycle: ${[from.name, ...back].join(" -> ")} would forward calls for ever`;
  const fromType = typeOf(parsed.spec, from.name);
  const toType = typeOf(parsed.spec, to);
  // What the field may name is declared with it (a call step's target with the call's options);
  // only a connection of a kind it takes is tried.
  const declared = ref.step
    ? CALL_OPTIONS.target
    : fromType && referenceOptions(fromType).find((r) => r.field === ref.field)?.ref;
  if (declared && toType && !accepts(declared, toType))
    return `${from.name}.${ref.field} names ${describeAccepted(declared)}; ${to} is a ${toType.type}`;
  return problemAfter(
    parsed,
    (spec) => {
      (spec[from.section] as Entries)[from.name]![ref.field] = connectedValue(ref, list, to);
    },
    `${from.section}.${from.name}.${ref.field}`,
    fromType && toType ? `${fromType.type}.${ref.field}->${toType.type}` : undefined,
  );
}

/** A connection the canvas can make: the field it writes and the component it names. */
export interface Connection {
  field: ReferenceField;
  to: string;
}

/** The components `from` can be wired to, each through the first of its reference fields that accepts it. */
export function allowedConnections(
  parsed: ParsedScenario | null,
  from: { section: string; name: string; type: ComponentType },
  candidates: string[],
): Connection[] {
  const fields = connectionFields(from.type);
  return candidates.flatMap((to) => {
    if (to === from.name) return [];
    // Without a parsed scenario (its structure is broken) nothing can be tried: offer every field's first.
    if (!parsed) return fields.length > 0 ? [{ field: fields[0]!, to }] : [];
    const field = fields.find((f) => connectionProblem(parsed, from, f, to) === null);
    return field ? [{ field, to }] : [];
  });
}
