import { createDistribution } from "../engine/distributions.js";
import { checkNumber, OptionError, within } from "../engine/option-error.js";
import { Simulation } from "../engine/simulation.js";
import type { ObservedModel } from "../metrics/counters.js";
import type { Service } from "../model/call.js";
import { Client } from "../model/client.js";
import { Source } from "../model/load/source.js";
import { Server } from "../model/server.js";
import { optionFailure, type ParsedScenario } from "./parse.js";
import type { ScenarioSpec } from "./schema.js";

/** Default budgets that stop a runaway model. */
export const DEFAULT_LIMITS = { maxEvents: 200_000_000, maxWallSeconds: 600 } as const;

/** Scenario-wide settings with defaults filled and ranges checked. Seconds. */
export interface ScenarioSettings {
  name: string;
  description: string;
  /** Root seed. Default: 1. */
  seed: number;
  /** Sources offer load during [0, duration). Required. */
  duration: number;
  /** Extra time after the sources stop, to watch the system drain. Default: 0. */
  drain: number;
  /** Gauge sampling interval. Default: 0.1. */
  probeInterval: number;
  /** Rate window. Default: 1. */
  window: number;
  /** Event and wall-clock budgets. Defaults: DEFAULT_LIMITS. */
  maxEvents: number;
  maxWallSeconds: number;
}

/** A model built from a scenario, ready to run. */
export interface BuiltModel extends ObservedModel {
  sim: Simulation;
  settings: ScenarioSettings;
  /** Services the sources' clients call: what "capacity" means in charts. */
  entryServices: Service[];
}

/** Checks the scenario-wide fields and fills their defaults. */
export function resolveSettings(parsed: ParsedScenario): ScenarioSettings {
  const s = parsed.spec;
  try {
    return {
      name: s.name,
      description: s.description ?? "",
      seed: checkNumber("seed", s.seed ?? 1, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }),
      duration: checkNumber("duration", s.duration, { min: 0, exclusiveMin: true, max: 1e9 }),
      drain: checkNumber("drain", s.drain ?? 0, { min: 0, max: 1e9 }),
      probeInterval: checkNumber("probeInterval", s.probeInterval ?? 0.1, { min: 1e-6, max: 1e9 }),
      window: checkNumber("window", s.window ?? 1, { min: 1e-6, max: 1e9 }),
      maxEvents: within(["limits"], () =>
        checkNumber("maxEvents", s.limits?.maxEvents ?? DEFAULT_LIMITS.maxEvents, { min: 1, integer: true }),
      ),
      maxWallSeconds: within(["limits"], () =>
        checkNumber("maxWallSeconds", s.limits?.maxWallSeconds ?? DEFAULT_LIMITS.maxWallSeconds, {
          min: 0,
          exclusiveMin: true,
        }),
      ),
    };
  } catch (e) {
    return optionFailure(parsed, [], e);
  }
}

/** Builds every component and wires them; throws ScenarioError naming the field at fault. */
export function buildModel(parsed: ParsedScenario, seed?: number): BuiltModel {
  const base = resolveSettings(parsed);
  const settings = seed === undefined ? base : { ...base, seed };
  const spec: ScenarioSpec = parsed.spec;
  const sim = new Simulation({ seed: settings.seed });
  const guard = <T>(prefix: (string | number)[], fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      return optionFailure(parsed, prefix, e);
    }
  };
  const refError = (at: (string | number)[], target: string, kind: string, names: string[]) =>
    guard(at, () => {
      const known =
        names.length > 0 ? `; the ${kind} are: ${names.join(", ")}` : `; the scenario has no ${kind}`;
      throw new OptionError([], `no ${kind.replace(/s$/, "")} named "${target}"${known}`);
    });

  const servers = new Map<string, Server>();
  for (const [name, s] of Object.entries(spec.servers)) {
    const serviceTime = guard(["servers", name, "serviceTime"], () => createDistribution(s.serviceTime));
    servers.set(
      name,
      guard(["servers", name], () => new Server(sim, name, { ...s, serviceTime })),
    );
  }
  const clients = new Map<string, Client>();
  for (const [name, c] of Object.entries(spec.clients)) {
    const target =
      servers.get(c.target) ??
      refError(["clients", name, "target"], c.target, "servers", [...servers.keys()]);
    clients.set(
      name,
      guard(["clients", name], () => new Client(sim, name, target, c)),
    );
  }
  const sources: Source[] = [];
  for (const [name, s] of Object.entries(spec.sources)) {
    const target =
      clients.get(s.target) ??
      refError(["sources", name, "target"], s.target, "clients", [...clients.keys()]);
    sources.push(
      guard(["sources", name], () => new Source(sim, name, target, { ...s, until: settings.duration })),
    );
  }
  if (sources.length === 0)
    guard(["sources"], () => {
      throw new OptionError([], "expected at least one source");
    });
  const entryServices = [...new Set(sources.map((s) => clients.get(spec.sources[s.name]!.target)!.target))];
  return {
    sim,
    settings,
    sources,
    clients: [...clients.values()],
    servers: [...servers.values()],
    entryServices,
  };
}
