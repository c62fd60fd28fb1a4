import { OptionError, within } from "../engine/option-error.js";
import { Simulation } from "../engine/simulation.js";
import { type ObservedModel, observeByRole } from "../metrics/counters.js";
import type { Service } from "../model/call.js";
import type { ModelComponent } from "../model/component.js";
import { Client } from "../model/components/client.js";
import { type RequestSink, Source } from "../model/components/source.js";
import {
  checkFault,
  FaultSchedule,
  type FaultSpec,
  INTERVENTION_KINDS,
  TRIGGER_KINDS,
} from "../model/faults/fault.js";
import { type OptionsInput, readOptions } from "../model/options.js";
import type { ComponentType } from "./component-type.js";
import { optionFailure, type ParsedScenario } from "./parse.js";
import { COMPONENT_TYPES } from "./registry.js";
import type { ScheduledChange } from "./run-result.js";
import {
  HEALTH_LATENCY_OPTIONS,
  HEALTH_OPTIONS,
  LIMIT_OPTIONS,
  SETTINGS_OPTIONS,
} from "./settings-options.js";

export { DEFAULT_LIMITS } from "./settings-options.js";

// The recorder keeps every probe and window of a run in memory: about a hundred megabytes per
// million points with a dozen gauges.
const MAX_GRID_POINTS = 2_000_000;
// Calls are forwarded synchronously along a path, so a path must stay far below the stack depth.
const MAX_PATH_LENGTH = 100;

/** The health rule of a scenario's `health:` (declared in HEALTH_OPTIONS). */
export type HealthSpec = OptionsInput<typeof HEALTH_OPTIONS>;

/** Scenario-wide settings with defaults filled and ranges checked. Seconds. */
export interface ScenarioSettings {
  name: string;
  description: string;
  // The numeric settings and budgets are declared (doc, default, range) in settings-options.ts.
  seed: number;
  duration: number;
  drain: number;
  probeInterval: number;
  window: number;
  maxEvents: number;
  maxWallSeconds: number;
  /** The health rule (`health:`), checked and its defaults filled; absent when the file has none. */
  health?: HealthSpec;
}

/** A scheduled trigger or intervention, as reported. */
/** A model built from a scenario, ready to run. */
export interface BuiltModel extends ObservedModel {
  sim: Simulation;
  sources: Source[];
  clients: Client[];
  settings: ScenarioSettings;
  /** Every component, in build order (dependencies first). */
  components: ModelComponent[];
  /** Services the sources' clients call: what "capacity" means in charts. */
  entryServices: Service[];
  faults: FaultSchedule;
  triggers: ScheduledChange[];
  interventions: ScheduledChange[];
}

/** Checks the scenario-wide fields and fills their defaults. */
export function resolveSettings(parsed: ParsedScenario): ScenarioSettings {
  const s = parsed.spec;
  try {
    const { limits, health, ...numbers } = readOptions(SETTINGS_OPTIONS, s);
    const settings = {
      name: s.name,
      description: s.description ?? "",
      ...numbers,
      ...within(["limits"], () => readOptions(LIMIT_OPTIONS, limits ?? {})),
      ...(health && { health: within(["health"], () => readHealth(health)) }),
    };
    const end = settings.duration + settings.drain;
    for (const field of ["probeInterval", "window"] as const) {
      const points = end / settings[field];
      if (points > MAX_GRID_POINTS) {
        throw new OptionError(
          [field],
          `${settings[field]} s over the run's ${end} s (duration + drain) would record ${points.toPrecision(3)} points; ` +
            `the most is ${MAX_GRID_POINTS.toLocaleString("en-US")}: raise ${field} to at least ${end / MAX_GRID_POINTS} s or shorten the run`,
        );
      }
    }
    return settings;
  } catch (e) {
    return optionFailure(parsed, [], e);
  }
}

/** Checks a scenario's `health:` against its declaration, filling the defaults. */
function readHealth(h: HealthSpec): HealthSpec {
  const { latency, ...rest } = readOptions(HEALTH_OPTIONS, h);
  const read: HealthSpec = { goodput: rest.goodput, window: rest.window, minRequests: rest.minRequests };
  if (rest.errorRate !== undefined) read.errorRate = rest.errorRate;
  if (latency !== undefined)
    read.latency = within(["latency"], () => readOptions(HEALTH_LATENCY_OPTIONS, latency));
  return read;
}

interface Entry {
  name: string;
  type: ComponentType;
  spec: unknown;
  refs: { path: (string | number)[]; name: string }[];
}

/**
 * Builds every component and wires them; throws ScenarioError naming the field at fault. `clock`
 * (milliseconds) is the simulation's wall clock for its wall-clock budget.
 */
export function buildModel(parsed: ParsedScenario, seed?: number, clock?: () => number): BuiltModel {
  const base = resolveSettings(parsed);
  const settings = seed === undefined ? base : { ...base, seed };
  const end = settings.duration + settings.drain;
  const sim = new Simulation({ seed: settings.seed, ...(clock && { clock }) });
  const guard = <T>(prefix: (string | number)[], fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      return optionFailure(parsed, prefix, e);
    }
  };

  const entries = new Map<string, Entry>();
  for (const type of COMPONENT_TYPES) {
    for (const [name, spec] of Object.entries((parsed.spec[type.section] ?? {}) as Record<string, unknown>)) {
      if (entries.has(name)) {
        guard([type.section, name], () => {
          throw new OptionError(
            [],
            `the name "${name}" is already used by a ${entries.get(name)!.type.type}`,
          );
        });
      }
      entries.set(name, { name, type, spec, refs: type.references(spec) });
    }
  }
  if (![...entries.values()].some((e) => e.type.type === "source")) {
    guard(["sources"], () => {
      throw new OptionError([], "expected at least one source");
    });
  }

  const built = new Map<string, ModelComponent>();
  const order = buildOrder(entries, (entry, path, message) =>
    guard([entry.type.section, entry.name, ...path], () => {
      throw new OptionError([], message);
    }),
  );
  for (const entry of order) {
    const at = (name: string) => entry.refs.find((r) => r.name === name)!.path;
    const ctx = {
      sim,
      settings: { duration: settings.duration, end },
      service(name: string): Service {
        const c = built.get(name);
        if (!c || !("accept" in c))
          throw new OptionError(at(name), `"${name}" cannot take calls (it is a ${c?.type})`);
        return c as unknown as Service;
      },
      sink(name: string): RequestSink {
        const c = built.get(name);
        if (!c || !("request" in c))
          throw new OptionError(
            at(name),
            `"${name}" cannot take requests from a source (it is a ${c?.type}); point it at a client`,
          );
        return c as unknown as RequestSink;
      },
    };
    built.set(
      entry.name,
      guard([entry.type.section, entry.name], () => entry.type.build(ctx, entry.name, entry.spec)),
    );
  }

  const faults = new FaultSchedule(sim);
  const schedule = (list: "triggers" | "interventions", allowed: readonly string[]): ScheduledChange[] =>
    (parsed.spec[list] ?? []).map((spec: FaultSpec, i: number) => {
      const target = built.get(spec.target);
      if (!target) {
        guard([list, i, "target"], () => {
          throw new OptionError(
            [],
            `no component named "${spec.target}"; the components are: ${[...built.keys()].join(", ")}`,
          );
        });
      }
      faults.add(
        guard([list, i], () => checkFault(spec, target!, end, allowed)),
        target!,
      );
      return { kind: spec.kind, target: spec.target, start: spec.at, end: spec.at + (spec.duration ?? 0) };
    });
  const triggers = schedule("triggers", TRIGGER_KINDS);
  const interventions = schedule("interventions", INTERVENTION_KINDS);

  // File order (section by section), which is also the order components start in.
  const components = [...entries.keys()].map((name) => built.get(name)!);
  const sources = components.filter((c): c is Source => c instanceof Source);
  const clients = components.filter((c): c is Client => c instanceof Client);
  const entryServices = [
    ...new Set(
      sources
        .map((s) => s.target)
        .filter((t): t is Client => t instanceof Client)
        .map((c) => c.target),
    ),
  ];
  // observeByRole's result already holds `components`: naming it again here would overwrite a
  // spread field, which V8 pays for with a fresh hidden class on every build.
  return {
    ...observeByRole(components),
    sim,
    settings,
    sources,
    clients,
    entryServices,
    faults,
    triggers,
    interventions,
  };
}

/**
 * Dependencies first; a reference to nothing, a wiring cycle or a path longer than
 * MAX_PATH_LENGTH is reported at the field that names it.
 */
function buildOrder(
  entries: Map<string, Entry>,
  fail: (entry: Entry, path: (string | number)[], message: string) => never,
): Entry[] {
  const order: Entry[] = [];
  const state = new Map<string, "visiting" | "done">();
  // Components on the longest reference path starting at each finished entry (itself included).
  const depth = new Map<string, number>();
  const visit = (entry: Entry, chain: string[]) => {
    if (state.get(entry.name) === "done") return;
    state.set(entry.name, "visiting");
    let longest = 0;
    for (const ref of entry.refs) {
      const dep = entries.get(ref.name);
      if (!dep) {
        const names = [...entries.keys()].join(", ");
        fail(entry, ref.path, `no component named "${ref.name}"; the components are: ${names}`);
      }
      if (state.get(dep.name) === "visiting") {
        fail(
          entry,
          ref.path,
          `wiring cycle: ${[...chain, entry.name, dep.name].join(" -> ")} would forward calls for ever`,
        );
      }
      // The recursion goes no deeper than the longest path, which this check bounds.
      if (chain.length + 1 < MAX_PATH_LENGTH) visit(dep, [...chain, entry.name]);
      longest = Math.max(longest, depth.get(dep.name) ?? MAX_PATH_LENGTH);
      if (longest + 1 > MAX_PATH_LENGTH) {
        fail(
          entry,
          ref.path,
          `a path of calls through ${entry.name} -> ${dep.name} is more than ${MAX_PATH_LENGTH} ` +
            "components long; calls are forwarded synchronously, so a path this long would overflow the stack",
        );
      }
    }
    depth.set(entry.name, longest + 1);
    state.set(entry.name, "done");
    order.push(entry);
  };
  for (const entry of entries.values()) visit(entry, []);
  return order;
}
