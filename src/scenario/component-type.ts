import type { z } from "zod";
import type { Simulation } from "../engine/simulation.js";
import type { Service } from "../model/call.js";
import type { ModelComponent } from "../model/component.js";
import type { RequestSink } from "../model/load/source.js";
import type { FileInput, OptionSet } from "../model/options.js";
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
  /** Structure of one entry, derived from `options` (types only; ranges are checked by the component). */
  schema: z.ZodType<S>;
  /** What the entry refers to: option path (e.g. ["target"], ["backends", 0]) and component name. */
  references(spec: S): { path: (string | number)[]; name: string }[];
  /** Builds the component; throws OptionError (relative to the entry) on a bad option. */
  build(ctx: BuildContext, name: string, spec: S): ModelComponent;
}

/** What a component type declares; the schema and the references are derived from its options. */
export interface ComponentTypeDecl<S extends OptionSet> {
  section: string;
  type: string;
  options: S;
  build(ctx: BuildContext, name: string, spec: FileInput<S>): ModelComponent;
}

/** The names an entry refers to, found through the options declared as references. */
function referencesOf(
  options: OptionSet,
  spec: Record<string, unknown>,
): { path: (string | number)[]; name: string }[] {
  return Object.entries(options).flatMap(([field, d]) => {
    if (d.type !== "reference" || spec[field] === undefined) return [];
    const v = spec[field];
    return Array.isArray(v)
      ? v.map((name: string, i) => ({ path: [field, i], name }))
      : [{ path: [field], name: v as string }];
  });
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
