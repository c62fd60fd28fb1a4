import { faultParams, isLasting } from "../../src/model/faults/fault.js";
import type { ComponentType } from "../../src/scenario/component-type.js";
import type { ParsedScenario } from "../../src/scenario/parse.js";
import { connectionProblem, problemAfter, referenceFields, type SpecSections, typeOf } from "./wiring.js";

// What new things start with, so nothing added on the page starts broken. A component starts with
// its type's template from the registry (values for the options without a default) and its
// references wired to the first component the registry accepts.

/** Starting values of fault parameters without a default (factor x2, half of a fraction, 10 per second). */
export const PARAM_START: Readonly<Record<string, number>> = {
  factor: 2,
  fraction: 0.5,
  rate: 0.5,
  perSecond: 10,
};

/** Lasting changes hold this long at first, in seconds. */
export const CHANGE_DURATION = 10;

type Entries = Record<string, Record<string, unknown>>;

/**
 * A new component `name` of `type`: its template, and each reference wired to the first of
 * `candidates` the registry accepts (left out when none does; its form then says what is missing).
 */
export function newComponent(
  type: ComponentType,
  name: string,
  parsed: ParsedScenario | null,
  candidates: string[],
): Record<string, unknown> {
  const entry: Record<string, unknown> = structuredClone(type.template) as Record<string, unknown>;
  if (!parsed) return entry;
  for (const field of referenceFields(type)) {
    const sections = parsed.spec as unknown as Record<string, Entries | undefined>;
    const trial: ParsedScenario = {
      ...parsed,
      spec: {
        ...parsed.spec,
        [type.section]: { ...(sections[type.section] ?? {}), [name]: entry },
      } as ParsedScenario["spec"],
    };
    const to = candidates.find(
      (c) => c !== name && connectionProblem(trial, { section: type.section, name }, field, c) === null,
    );
    if (to !== undefined) entry[field.field] = field.list ? [to] : to;
  }
  return entry;
}

/** A change of `kind` at `at` s, with its parameters' starting values and the first target that takes it. */
export function newChange(
  section: "triggers" | "interventions",
  kind: string,
  at: number,
  parsed: ParsedScenario | null,
  targets: string[],
  /** What to keep of the change it replaces, and its index (default: a new one at the end). */
  keep: { target?: string | undefined; duration?: number | undefined; index?: number } = {},
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    kind,
    at,
    ...(isLasting(kind) && { duration: keep.duration ?? CHANGE_DURATION }),
    ...Object.fromEntries(
      faultParams(kind)
        .filter((p) => !p.optional && PARAM_START[p.name] !== undefined)
        .map((p) => [p.name, PARAM_START[p.name]]),
    ),
  };
  const list =
    ((parsed?.spec as unknown as SpecSections | undefined)?.[section] as unknown[] | undefined) ?? [];
  const index = keep.index ?? list.length;
  const fits = (target: string) =>
    parsed !== null &&
    problemAfter(
      parsed,
      (spec) => {
        const changes = [...((spec[section] as unknown[] | undefined) ?? [])];
        changes[index] = { ...base, target };
        spec[section] = changes;
      },
      // The target is checked first: a problem at its time or length says nothing about the target.
      `${section}.${index}.target`,
      targetType(target),
    ) === null;
  function targetType(target: string): string | undefined {
    const t = parsed && typeOf(parsed.spec, target);
    return t ? `${section}.${kind}->${t.type}` : undefined;
  }
  const ordered = keep.target ? [keep.target, ...targets.filter((t) => t !== keep.target)] : targets;
  const target = ordered.find(fits) ?? keep.target ?? targets[0] ?? "";
  return { kind, target, ...base };
}
