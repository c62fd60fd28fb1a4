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
  }
}

/** The scenario with every source's offered load multiplied by `k` (the whole profile, spikes included). */
export function scaleLoad(spec: ScenarioSpec, k: number): ScenarioSpec {
  const sources = (spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>;
  return {
    ...spec,
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, s]) => [name, { ...s, profile: scaleProfile(s.profile, k) }]),
    ),
  };
}

/** Offered load of the scenario's first phase, summed over sources, at t = 0 (requests/s). */
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
    }
  };
  return Object.values((spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>).reduce(
    (sum, s) => sum + rateAt0(s.profile),
    0,
  );
}
