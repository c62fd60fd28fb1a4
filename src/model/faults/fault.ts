import { checkNumber, OptionError } from "../../engine/option-error.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Capabilities, ModelComponent } from "../component.js";

/**
 * A scheduled change to one component: a trigger that pushes the system (a spike, a pause, a
 * flush) or an intervention that tries to rescue it (cut load, a rate limit, a restart). Times in
 * seconds; `duration` is how long a lasting change holds before it is undone.
 */
export interface FaultSpec {
  kind: string;
  /** Name of the component it acts on. */
  target: string;
  /** When it starts. */
  at: number;
  /** How long it lasts; required for lasting kinds, refused for instant ones. */
  duration?: number;
  /** Multiplier: load factor for `spike`, service-time factor for `slowdown`. */
  factor?: number;
  /** Fraction in [0, 1]: CPU lost for `capacityLoss`, load removed for `cutLoad`, cache filled for `warmCache`. */
  fraction?: number;
  /** Error probability for `errors`. */
  rate?: number;
  /** Attempts per second for `rateLimit`. */
  perSecond?: number;
  /** Load factor at the start of `rampLoad` (default: 0); it ramps to 1 over `duration`. */
  from?: number;
}

type Param = "factor" | "fraction" | "rate" | "perSecond" | "from";
type Range = { min: number; max?: number; exclusiveMin?: boolean; optional?: boolean };

/** How one kind of fault acts. `apply` returns what undoes it, for kinds that last. */
interface FaultKind {
  /** What it does, for the reference docs and editors. */
  doc: string;
  /** The capability the target must have. */
  needs: keyof Capabilities;
  /** The parameters it takes, with their ranges; any other parameter is refused. */
  params: Partial<Record<Param, Range>>;
  /** True when the change holds for `duration` and is then undone. */
  lasting: boolean;
  /** True for interventions (they rescue), false for triggers (they push). */
  intervention: boolean;
  apply(target: Required<Capabilities>, spec: FaultSpec, sim: Simulation): (() => void) | undefined;
}

const RAMP_STEPS = 20;

const KINDS: Record<string, FaultKind> = {
  spike: {
    doc: "Multiplies a source's load by `factor` for `duration` (a traffic spike).",
    // Far past any real spike; beyond it, arrival arithmetic loses its meaning.
    params: { factor: { min: 0, max: 1e6 } },
    needs: "setLoadFactor",
    lasting: true,
    intervention: false,
    apply(t, spec) {
      const before = t.loadFactor;
      t.setLoadFactor(before * checkNumber("factor", spec.factor, { min: 0 }));
      return () => t.setLoadFactor(before);
    },
  },
  pause: {
    doc: "Freezes a server or database for `duration`: nothing starts or finishes, calls keep arriving (a stop-the-world GC pause).",
    params: {},
    needs: "pause",
    lasting: true,
    intervention: false,
    apply(t) {
      t.pause();
      return () => t.resume();
    },
  },
  slowdown: {
    doc: "Multiplies service times by `factor` for `duration` (a latency multiplier: a slow disk, a noisy neighbour).",
    params: { factor: { min: 0, exclusiveMin: true, max: 1e6 } },
    needs: "setSlowdown",
    lasting: true,
    intervention: false,
    apply(t, spec) {
      t.setSlowdown(checkNumber("factor", spec.factor, { min: 0, exclusiveMin: true }));
      return () => t.setSlowdown(1);
    },
  },
  capacityLoss: {
    doc: "Takes away `fraction` of a server's CPU for `duration`: service times grow by 1 / (1 - fraction).",
    params: { fraction: { min: 0, max: 0.999 } },
    needs: "setSlowdown",
    lasting: true,
    intervention: false,
    apply(t, spec) {
      const lost = checkNumber("fraction", spec.fraction, { min: 0, max: 0.999 });
      t.setSlowdown(1 / (1 - lost));
      return () => t.setSlowdown(1);
    },
  },
  errors: {
    doc: "Fails each call with probability `rate` for `duration` (a bad dependency; for a config pipeline, the fraction of sources that produce a bad file).",
    params: { rate: { min: 0, max: 1 } },
    needs: "setErrorRate",
    lasting: true,
    intervention: false,
    apply(t, spec) {
      t.setErrorRate(checkNumber("rate", spec.rate, { min: 0, max: 1 }));
      return () => t.setErrorRate(0);
    },
  },
  unreachable: {
    doc: "Makes a component unreachable for `duration`: every call fails at once, answered `unavailable` (a partition, NXDOMAIN: callers retry), or `empty` by a service with `unreachableAnswer: empty` (a DNS answer with no address: compliant callers stop).",
    params: {},
    needs: "setReachable",
    lasting: true,
    intervention: false,
    apply(t) {
      t.setReachable(false);
      return () => t.setReachable(true);
    },
  },
  crash: {
    doc: "Restarts a component at once: its queue and work in progress are lost, callers find out by timing out.",
    params: {},
    needs: "restart",
    lasting: false,
    intervention: false,
    apply(t) {
      t.restart();
      return undefined;
    },
  },
  flush: {
    doc: "Empties a cache at once.",
    params: {},
    needs: "flush",
    lasting: false,
    intervention: false,
    apply(t) {
      t.flush();
      return undefined;
    },
  },
  cutLoad: {
    doc: "Removes `fraction` of a source's load for `duration` (load shedding at the edge).",
    params: { fraction: { min: 0, max: 1 } },
    needs: "setLoadFactor",
    lasting: true,
    intervention: true,
    apply(t, spec) {
      const before = t.loadFactor;
      t.setLoadFactor(before * (1 - checkNumber("fraction", spec.fraction, { min: 0, max: 1 })));
      return () => t.setLoadFactor(before);
    },
  },
  rateLimit: {
    doc: "Caps a client (or lease fleet) at `perSecond` requests for `duration`, then lifts the cap.",
    params: { perSecond: { min: 0, exclusiveMin: true } },
    needs: "setRateLimit",
    lasting: true,
    intervention: true,
    apply(t, spec) {
      t.setRateLimit(checkNumber("perSecond", spec.perSecond, { min: 0, exclusiveMin: true }));
      return () => t.setRateLimit(null);
    },
  },
  restart: {
    doc: "Restarts a component at once, emptying its queue (the operator's restart).",
    params: {},
    needs: "restart",
    lasting: false,
    intervention: true,
    apply(t) {
      t.restart();
      return undefined;
    },
  },
  warmCache: {
    doc: "Fills a cache with its most popular keys, to `fraction` of its capacity (default 1), before traffic returns.",
    params: { fraction: { min: 0, max: 1, optional: true } },
    needs: "warm",
    lasting: false,
    intervention: true,
    apply(t, spec) {
      t.warm(checkNumber("fraction", spec.fraction ?? 1, { min: 0, max: 1 }));
      return undefined;
    },
  },
  rampLoad: {
    doc: "Cuts a source's load to `from` (default 0) and brings it back to normal in 20 equal steps over `duration`.",
    params: { from: { min: 0, max: 1, optional: true } },
    needs: "setLoadFactor",
    lasting: true,
    intervention: true,
    apply(t, spec, sim) {
      // Traffic comes back in equal steps: too fast and a recovering system re-enters the bad state.
      const from = checkNumber("from", spec.from ?? 0, { min: 0, max: 1 });
      const duration = spec.duration!;
      t.setLoadFactor(from);
      const step: Handler = {
        handleEvent(k) {
          t.setLoadFactor(from + ((1 - from) * k) / RAMP_STEPS);
        },
      };
      for (let k = 1; k < RAMP_STEPS; k++) sim.schedule((duration * k) / RAMP_STEPS, step, k);
      return () => t.setLoadFactor(1);
    },
  },
};

/** Kinds that push a system (triggers). */
export const TRIGGER_KINDS = Object.keys(KINDS).filter((k) => !KINDS[k]!.intervention);
/** Kinds that try to rescue a system (interventions). */
export const INTERVENTION_KINDS = Object.keys(KINDS).filter((k) => KINDS[k]!.intervention);

/** The parameters `kind` takes (any other is refused), and whether each may be left out; for editors. */
export function faultParams(kind: string): { name: Param; optional: boolean }[] {
  return Object.entries(KINDS[kind]?.params ?? {}).map(([name, range]) => ({
    name: name as Param,
    optional: range.optional ?? false,
  }));
}

/** What a kind does, the capability its target needs and its parameters' ranges; for docs and editors. */
export function describeFaultKind(kind: string): {
  doc: string;
  needs: string;
  lasting: boolean;
  intervention: boolean;
  params: Partial<Record<Param, Range>>;
} | null {
  const k = KINDS[kind];
  return k
    ? { doc: k.doc, needs: k.needs, lasting: k.lasting, intervention: k.intervention, params: k.params }
    : null;
}

/** Whether `kind` lasts for a duration (and needs one). */
export function isLasting(kind: string): boolean {
  return KINDS[kind]?.lasting ?? false;
}

/**
 * Checks a fault against its target and the run's length; throws OptionError naming the field.
 * `allowed` is TRIGGER_KINDS or INTERVENTION_KINDS.
 */
export function checkFault(
  spec: FaultSpec,
  target: ModelComponent,
  end: number,
  allowed: readonly string[],
): void {
  const kind = KINDS[spec.kind];
  if (!kind || !allowed.includes(spec.kind)) {
    throw new OptionError(
      ["kind"],
      `expected one of ${allowed.join(", ")}, got ${JSON.stringify(spec.kind)}`,
    );
  }
  if (typeof target[kind.needs] !== "function" && kind.needs !== "loadFactor") {
    throw new OptionError(
      ["target"],
      `a ${spec.kind} needs a component that supports it; "${target.name}" is a ${target.type}, which does not`,
    );
  }
  for (const name of ["factor", "fraction", "rate", "perSecond", "from"] as const) {
    const range = kind.params[name];
    if (!range) {
      if (spec[name] !== undefined) throw new OptionError([name], `a ${spec.kind} takes no ${name}`);
      continue;
    }
    if (spec[name] === undefined && range.optional) continue;
    checkNumber(name, spec[name], range);
  }
  checkNumber("at", spec.at, { min: 0 });
  if (spec.at >= end)
    throw new OptionError(["at"], `expected a time inside the run [0, ${end}), got ${spec.at}`);
  if (kind.lasting) {
    const d = checkNumber("duration", spec.duration, { min: 0, exclusiveMin: true });
    if (spec.at + d > end) {
      throw new OptionError(
        ["duration"],
        `ends at ${spec.at + d}, after the run ends (${end}); shorten it or lengthen the run`,
      );
    }
  } else if (spec.duration !== undefined) {
    throw new OptionError(["duration"], `a ${spec.kind} is instant and takes no duration`);
  }
}

/** Applies scheduled faults at their times and undoes lasting ones when they end. */
export class FaultSchedule implements Handler {
  private readonly entries: { spec: FaultSpec; target: ModelComponent; undo?: () => void }[] = [];

  constructor(private readonly sim: Simulation) {}

  /** Adds a fault (already checked with `checkFault`). */
  add(spec: FaultSpec, target: ModelComponent): void {
    this.entries.push({ spec, target });
  }

  /** Schedules every fault; call before the run starts. */
  start(): void {
    this.entries.forEach((entry, i) => {
      this.sim.scheduleAt(entry.spec.at, this, 2 * i);
      if (isLasting(entry.spec.kind))
        this.sim.scheduleAt(entry.spec.at + entry.spec.duration!, this, 2 * i + 1);
    });
  }

  handleEvent(kind: number): void {
    const entry = this.entries[kind >> 1]!;
    if ((kind & 1) === 0) {
      entry.undo = KINDS[entry.spec.kind]!.apply(
        entry.target as Required<Capabilities>,
        entry.spec,
        this.sim,
      );
    } else {
      entry.undo?.();
    }
  }
}
