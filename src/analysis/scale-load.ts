import type { ProfileSpec } from "../model/load/profile.js";
import type { ScenarioSpec } from "../scenario/schema.js";

function scaleProfile(p: ProfileSpec, k: number): ProfileSpec {
  switch (p.kind) {
    case "constant":
      return { ...p, rate: p.rate * k };
    case "steps":
      return { ...p, steps: p.steps.map((s) => ({ ...s, rate: s.rate * k })) };
    case "ramp":
      return { ...p, from: p.from * k, to: p.to * k };
    case "spike":
      return { ...p, rate: p.rate * k };
    case "sum":
      return { ...p, of: p.of.map((q) => scaleProfile(q, k)) };
    case "capped":
      return { ...p, of: scaleProfile(p.of, k), max: p.max * k };
    case "switch":
      return { ...p, from: scaleProfile(p.from, k), to: scaleProfile(p.to, k) };
    case "trace":
      return { ...p, scale: (p.scale ?? 1) * k };
  }
}

type Fleet = { hosts: number; renewEvery: number };

/**
 * The scenario with every load generator's demand multiplied by `k`: each source's whole profile
 * (spikes included), and each lease fleet's hosts (at least one; a fleet's demand is one renewal
 * per host per period, so its demand moves in steps of one host).
 */
export function scaleLoad(spec: ScenarioSpec, k: number): ScenarioSpec {
  const sources = (spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>;
  const fleets = spec.leaseFleets as Record<string, Fleet> | undefined;
  return {
    ...spec,
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, s]) => [name, { ...s, profile: scaleProfile(s.profile, k) }]),
    ),
    ...(fleets && {
      leaseFleets: Object.fromEntries(
        Object.entries(fleets).map(([name, f]) => [
          name,
          { ...f, hosts: Math.max(1, Math.round(f.hosts * k)) },
        ]),
      ),
    }),
  };
}

/** Demand of the lease fleets (renewals per second). */
export function fleetRate(spec: ScenarioSpec): number {
  const fleets = (spec.leaseFleets ?? {}) as Record<string, Fleet>;
  return Object.values(fleets).reduce(
    (sum, f) => sum + (typeof f.hosts === "number" && f.renewEvery > 0 ? f.hosts / f.renewEvery : 0),
    0,
  );
}

/** Offered load of the scenario's first phase at t = 0, summed over sources (fleets: see fleetRate), in requests/s. */
export function baseRate(spec: ScenarioSpec): number {
  const rateAt0 = (p: ProfileSpec): number => {
    switch (p.kind) {
      case "constant":
        return p.rate;
      case "steps":
        return p.steps[0]!.at === 0 ? p.steps[0]!.rate : 0;
      case "ramp":
        return p.from;
      case "spike":
        return p.at === 0 ? p.rate : 0;
      case "sum":
        return p.of.reduce((sum, q) => sum + rateAt0(q), 0);
      case "capped":
        return Math.min(p.max, rateAt0(p.of));
      case "switch":
        return p.at > 0 ? rateAt0(p.from) : rateAt0(p.to);
      case "trace":
        return p.points?.[0]?.at === 0 ? p.points[0].rate * (p.scale ?? 1) : 0;
    }
  };
  return Object.values((spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>).reduce(
    (sum, s) => sum + rateAt0(s.profile),
    0,
  );
}
