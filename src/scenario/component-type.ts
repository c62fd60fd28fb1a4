import type { z } from "zod";
import type { Simulation } from "../engine/simulation.js";
import type { Service } from "../model/call.js";
import type { ModelComponent } from "../model/component.js";
import type { RequestSink } from "../model/components/source.js";
import type { FileInput, OptionSet, ReferenceOption } from "../model/options.js";
import { optionSchema } from "./option-schema.js";

/** Scenario-wide settings a component may need (the load window, the run's length). */
export interface BuildSettings {
  /** Sources offer load during [0, duration). */
  duration: number;
  /** End of the run (duration plus drain). */
  end: number;
}

/** What a component type's `build` gets: the simulation and resolved references. */
export interface BuildContext {
  sim: Simulation;
  settings: BuildSettings;
  /** The component `name` as a service (something calls can be sent to). */
  service(name: string): Service;
  /** The component `name` as a request sink (something a source can feed). */
  sink(name: string): RequestSink;
}

/**
 * One kind of component as scenario files know it: where it lives in the file, its options (one
 * declaration each, references to other components included), and how to build it. Adding a
 * component type to the product is adding one of these to the registry.
 */
export interface ComponentType<S = unknown> {
  /** Top-level section of the scenario file, e.g. "servers". */
  section: string;
  /** Type name, e.g. "server". */
  type: string;
  /** Every option of an entry, in the order they are documented. */
  options: OptionSet;
  /** The roles its components play (a test checks them against the built components). */
  roles: readonly ComponentRole[];
  /** A valid new entry, references left out: what the dashboard starts a new component with. */
  template: Readonly<Record<string, unknown>>;
  /** Structure of one entry, derived from `options` (types only; ranges are checked by the component). */
  schema: z.ZodType<S>;
  /** What the entry refers to: option path (e.g. ["target"], ["backends", 0]) and component name. */
  references(spec: S): { path: (string | number)[]; name: string }[];
  /** Builds the component; throws OptionError (relative to the entry) on a bad option. */
  build(ctx: BuildContext, name: string, spec: S): ModelComponent;
}

/**
 * A role a component plays, as the file and the page see it: `load` generates demand (where the
 * canvas starts its columns), `service` takes calls, `requestSink` takes a source's requests,
 * `work` does work (workers, a queue).
 */
export type ComponentRole = "load" | "service" | "requestSink" | "work";

/** What a component type declares; the schema and the references are derived from its options. */
export interface ComponentTypeDecl<S extends OptionSet> {
  section: string;
  type: string;
  options: S;
  roles: readonly ComponentRole[];
  template: Readonly<Partial<FileInput<S>>>;
  build(ctx: BuildContext, name: string, spec: FileInput<S>): ModelComponent;
}

/** The names an entry refers to, found through the options declared as references. */
function referencesOf(
  options: OptionSet,
  spec: Record<string, unknown>,
): { path: (string | number)[]; name: string }[] {
  return Object.entries(options).flatMap(([field, d]) => {
    if (d.type === "value" && d.format === "steps") return stepReferences(field, spec[field]);
    if (d.type !== "reference" || spec[field] === undefined) return [];
    const v = spec[field];
    return Array.isArray(v)
      ? v.map((name: string, i) => ({ path: [field, i], name }))
      : [{ path: [field], name: v as string }];
  });
}

/** The components a service's steps call (`steps[i].target`, `steps[i].calls[j].target`). */
function stepReferences(field: string, steps: unknown): { path: (string | number)[]; name: string }[] {
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((step: { kind?: string; target?: string; calls?: { target: string }[] }, i) =>
    step.kind === "call" && step.target !== undefined
      ? [{ path: [field, i, "target"], name: step.target }]
      : step.kind === "parallel" && Array.isArray(step.calls)
        ? step.calls.map((c, j) => ({ path: [field, i, "calls", j, "target"], name: c.target }))
        : [],
  );
}

/** Whether a reference declared as `ref` may name a component of type `target`. */
export function accepts(ref: ReferenceOption, target: ComponentType): boolean {
  return ref.to === target.type || (target.roles as readonly string[]).includes(ref.to);
}

// How a reference's `to` reads in messages.
const ROLE_WORDS: Record<string, string> = {
  service: "something that takes calls",
  requestSink: "a client (something that takes a source's requests)",
  load: "something that generates load",
  work: "something that does work",
};

/** What a reference may name, in words: "something that takes calls", "a balancer". */
export function describeAccepted(ref: ReferenceOption): string {
  return ROLE_WORDS[ref.to] ?? `a ${ref.to}`;
}

/** The options of `type` that name other components, with their field names, in declaration order. */
export function referenceOptions(type: ComponentType): { field: string; ref: ReferenceOption }[] {
  return Object.entries(type.options).flatMap(([field, d]) =>
    d.type === "reference" ? [{ field, ref: d }] : [],
  );
}

/** Declares a component type: its file format and references follow from its options. */
export function componentType<S extends OptionSet>(t: ComponentTypeDecl<S>): ComponentType {
  const type: ComponentType<FileInput<S>> = {
    ...t,
    schema: optionSchema(t.options),
    references: (spec) => referencesOf(t.options, spec as Record<string, unknown>),
  };
  return type as unknown as ComponentType;
}
