import type { z } from "zod";
import type { Simulation } from "../engine/simulation.js";
import type { Service } from "../model/call.js";
import type { ModelComponent } from "../model/component.js";
import type { RequestSink } from "../model/load/source.js";

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
 * One kind of component as scenario files know it: where it lives in the file, the shape of its
 * options, which other components it names, and how to build it. Adding a component type to the
 * product is adding one of these to the registry.
 */
export interface ComponentType<S = unknown> {
  /** Top-level section of the scenario file, e.g. "servers". */
  section: string;
  /** Type name, e.g. "server". */
  type: string;
  /** Structure of one entry (types only; ranges are checked by the component). */
  schema: z.ZodType<S>;
  /** What the entry refers to: option path (e.g. ["target"], ["backends", 0]) and component name. */
  references(spec: S): { path: (string | number)[]; name: string }[];
  /** Builds the component; throws OptionError (relative to the entry) on a bad option. */
  build(ctx: BuildContext, name: string, spec: S): ModelComponent;
}

/** Declares a component type with its spec type inferred from the schema. */
export function componentType<T extends z.ZodType>(
  t: ComponentType<z.infer<T>> & { schema: T },
): ComponentType {
  return t as unknown as ComponentType;
}
