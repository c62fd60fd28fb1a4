import { checkNumber, OptionError } from "../../engine/option-error.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Capabilities, ModelComponent } from "../component.js";
import { type OptionSet, type OptionsInput, type OptionsRead, option, readOptions } from "../options.js";

/** When a scheduled change happens, and for a lasting one how long it holds. Seconds. */
export interface FaultTiming {
  /** When it starts. */
  at: number;
  /** How long it lasts; required for lasting kinds, refused for instant ones. */
  duration?: number;
}

/** How one kind of fault acts. `apply` gets its checked parameters and returns what undoes a lasting change. */
interface FaultKind<
  S extends OptionSet = OptionSet,
  L extends boolean = boolean,
  I extends boolean = boolean,
> {
  /** What it does, for the reference docs and editors. */
  doc: string;
  /** The capability the target must have. */
  needs: keyof Capabilities;
  /** Its parameters, each with its range (declared once: checked here, shown in docs and editors). */
  params: S;
  /** True when the change holds for `duration` and is then undone. */
  lasting: L;
  /** True for interventions (they rescue), false for triggers (they push). */
  intervention: I;
  apply(
    target: Required<Capabilities>,
    params: OptionsRead<S>,
    timing: FaultTiming,
    sim: Simulation,
  ): (() => void) | undefined;
}

/** Declares a fault kind, its `apply` typed by its parameters. */
function faultKind<const S extends OptionSet, const L extends boolean, const I extends boolean>(
  k: FaultKind<S, L, I>,
): FaultKind<S, L, I> {
  return k;
}

const RAMP_STEPS = 20;
// Far past any real spike or slowdown; beyond it, arrival arithmetic loses its meaning.
const MAX_FACTOR = 1e6;

const DECLARED = {
  spike: faultKind({
    doc: "Multiplies a source's load by `factor` for `duration` (a traffic spike).",
    params: { factor: option.number({ doc: "Load multiplier.", required: true, min: 0, max: MAX_FACTOR }) },
    needs: "setLoadFactor",
    lasting: true,
    intervention: false,
    apply(t, p) {
      const before = t.loadFactor;
      t.setLoadFactor(before * p.factor);
      return () => t.setLoadFactor(before);
    },
  }),
  pause: faultKind({
    doc: "Freezes a server, database or service for `duration`: nothing starts or finishes, calls keep arriving (a stop-the-world GC pause).",
    params: {},
    needs: "pause",
    lasting: true,
    intervention: false,
    apply(t) {
      t.pause();
      return () => t.resume();
    },
  }),
  slowdown: faultKind({
    doc: "Multiplies service times by `factor` for `duration` (a latency multiplier: a slow disk, a noisy neighbour).",
    params: {
      factor: option.number({
        doc: "Service-time multiplier.",
        required: true,
        min: 0,
        exclusiveMin: true,
        max: MAX_FACTOR,
      }),
    },
    needs: "setSlowdown",
    lasting: true,
    intervention: false,
    apply(t, p) {
      t.setSlowdown(p.factor);
      return () => t.setSlowdown(1);
    },
  }),
  capacityLoss: faultKind({
    doc: "Takes away `fraction` of a server's CPU for `duration`: service times grow by 1 / (1 - fraction).",
    params: {
      fraction: option.number({ doc: "Share of the CPU lost.", required: true, min: 0, max: 0.999 }),
    },
    needs: "setSlowdown",
    lasting: true,
    intervention: false,
    apply(t, p) {
      t.setSlowdown(1 / (1 - p.fraction));
      return () => t.setSlowdown(1);
    },
  }),
  errors: faultKind({
    doc: "Fails each call with probability `rate` for `duration` (a bad dependency; for a config pipeline, the fraction of sources that produce a bad file).",
    params: { rate: option.number({ doc: "Error probability.", required: true, min: 0, max: 1 }) },
    needs: "setErrorRate",
    lasting: true,
    intervention: false,
    apply(t, p) {
      t.setErrorRate(p.rate);
      return () => t.setErrorRate(0);
    },
  }),
  unreachable: faultKind({
    doc: "Makes a component unreachable for `duration`: every call fails at once, answered `unavailable` (a partition, NXDOMAIN: callers retry), or `empty` by a service with `unreachableAnswer: empty` (a DNS answer with no address: compliant callers stop).",
    params: {},
    needs: "setReachable",
    lasting: true,
    intervention: false,
    apply(t) {
      t.setReachable(false);
      return () => t.setReachable(true);
    },
  }),
  crash: faultKind({
    doc: "Restarts a component at once: its queue and work in progress are lost, callers find out by timing out.",
    params: {},
    needs: "restart",
    lasting: false,
    intervention: false,
    apply(t) {
      t.restart();
      return undefined;
    },
  }),
  flush: faultKind({
    doc: "Empties a cache at once.",
    params: {},
    needs: "flush",
    lasting: false,
    intervention: false,
    apply(t) {
      t.flush();
      return undefined;
    },
  }),
  cutLoad: faultKind({
    doc: "Removes `fraction` of a source's load for `duration` (load shedding at the edge).",
    params: {
      fraction: option.number({ doc: "Share of the load removed.", required: true, min: 0, max: 1 }),
    },
    needs: "setLoadFactor",
    lasting: true,
    intervention: true,
    apply(t, p) {
      const before = t.loadFactor;
      t.setLoadFactor(before * (1 - p.fraction));
      return () => t.setLoadFactor(before);
    },
  }),
  rateLimit: faultKind({
    doc: "Caps a client (or lease fleet) at `perSecond` requests for `duration`, then lifts the cap.",
    params: {
      perSecond: option.number({
        doc: "Requests per second allowed.",
        required: true,
        min: 0,
        exclusiveMin: true,
      }),
    },
    needs: "setRateLimit",
    lasting: true,
    intervention: true,
    apply(t, p) {
      t.setRateLimit(p.perSecond);
      return () => t.setRateLimit(null);
    },
  }),
  restart: faultKind({
    doc: "Restarts a component at once, emptying its queue (the operator's restart).",
    params: {},
    needs: "restart",
    lasting: false,
    intervention: true,
    apply(t) {
      t.restart();
      return undefined;
    },
  }),
  warmCache: faultKind({
    doc: "Fills a cache with its most popular keys, to `fraction` of its capacity, before traffic returns.",
    params: { fraction: option.number({ doc: "Share of the capacity filled.", default: 1, min: 0, max: 1 }) },
    needs: "warm",
    lasting: false,
    intervention: true,
    apply(t, p) {
      t.warm(p.fraction);
      return undefined;
    },
  }),
  rampLoad: faultKind({
    doc: "Cuts a source's load to `from` and brings it back to normal in 20 equal steps over `duration`.",
    params: { from: option.number({ doc: "Load factor at the start.", default: 0, min: 0, max: 1 }) },
    needs: "setLoadFactor",
    lasting: true,
    intervention: true,
    apply(t, p, timing, sim) {
      // Traffic comes back in equal steps: too fast and a recovering system re-enters the bad state.
      const from = p.from;
      const duration = timing.duration!;
      t.setLoadFactor(from);
      const step: Handler = {
        handleEvent(k) {
          t.setLoadFactor(from + ((1 - from) * k) / RAMP_STEPS);
        },
      };
      for (let k = 1; k < RAMP_STEPS; k++) sim.schedule((duration * k) / RAMP_STEPS, step, k);
      return () => t.setLoadFactor(1);
    },
  }),
};

type Declared = typeof DECLARED;

/** The kinds of fault. */
export type FaultKindName = keyof Declared;

/**
 * A fault of kind `K` as a file writes it: its kind, its target, when it starts, its duration
 * (required for a lasting kind, refused for an instant one) and its kind's parameters.
 */
export type FaultSpecOf<K extends FaultKindName> = {
  kind: K;
  target: string;
  at: number;
} & (Declared[K]["lasting"] extends true ? { duration: number } : { duration?: never }) &
  OptionsInput<Declared[K]["params"]>;

/**
 * A scheduled change to one component as a file writes it: a trigger that pushes the system (a
 * spike, a pause, a flush) or an intervention that tries to rescue it (cut load, a rate limit, a
 * restart). A union by kind, so each kind has exactly its own parameters; `K` narrows it to some kinds.
 */
export type FaultSpec<K extends FaultKindName = FaultKindName> = { [P in K]: FaultSpecOf<P> }[K];

/** Kinds that push a system (triggers). */
export type TriggerKind = {
  [K in FaultKindName]: Declared[K]["intervention"] extends true ? never : K;
}[FaultKindName];
/** Kinds that try to rescue a system (interventions). */
export type InterventionKind = Exclude<FaultKindName, TriggerKind>;

// Looked up by the kind a file names.
const KINDS = DECLARED as unknown as Record<string, FaultKind>;
const NAMES = Object.keys(DECLARED) as FaultKindName[];

/** Kinds that push a system (triggers), in declaration order. */
export const TRIGGER_KINDS = NAMES.filter((k) => !KINDS[k]!.intervention) as TriggerKind[];
/** Kinds that try to rescue a system (interventions), in declaration order. */
export const INTERVENTION_KINDS = NAMES.filter((k) => KINDS[k]!.intervention) as InterventionKind[];

/** The parameters `kind` takes (any other is refused), and whether each may be left out; for editors. */
export function faultParams(kind: string): { name: string; optional: boolean }[] {
  return Object.entries(KINDS[kind]?.params ?? {}).map(([name, d]) => ({ name, optional: !d.required }));
}

/** What a kind does, the capability its target needs and its parameters' declarations; for docs and editors. */
export function describeFaultKind(kind: string): {
  doc: string;
  needs: string;
  lasting: boolean;
  intervention: boolean;
  params: OptionSet;
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

/** A fault checked against its kind: its timing and its parameters with defaults filled. */
export interface CheckedFault extends FaultTiming {
  kind: FaultKindName;
  target: string;
  params: Record<string, unknown>;
}

/**
 * Checks a fault against its target and the run's length; throws OptionError naming the field.
 * `allowed` is TRIGGER_KINDS or INTERVENTION_KINDS. Its parameters' ranges are checked against
 * the kind's declaration; the file format (a union by kind) already refused other parameters.
 */
export function checkFault(
  spec: FaultSpec,
  target: ModelComponent,
  end: number,
  allowed: readonly string[],
): CheckedFault {
  const kind = KINDS[spec.kind];
  if (!kind || !allowed.includes(spec.kind)) {
    throw new OptionError(
      ["kind"],
      `expected one of ${allowed.join(", ")}, got ${JSON.stringify(spec.kind)}`,
    );
  }
  if (typeof target[kind.needs] !== "function") {
    throw new OptionError(
      ["target"],
      `a ${spec.kind} needs a component that supports it; "${target.name}" is a ${target.type}, which does not`,
    );
  }
  const params = readOptions(kind.params, spec);
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
  }
  return {
    kind: spec.kind,
    target: spec.target,
    at: spec.at,
    ...(kind.lasting && { duration: spec.duration! }),
    params,
  };
}

/** Applies scheduled faults at their times and undoes lasting ones when they end. */
export class FaultSchedule implements Handler {
  private readonly entries: { spec: CheckedFault; target: ModelComponent; undo?: () => void }[] = [];

  constructor(private readonly sim: Simulation) {}

  /** Adds a fault checked with `checkFault`. */
  add(spec: CheckedFault, target: ModelComponent): void {
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
        entry.spec.params,
        entry.spec,
        this.sim,
      );
    } else {
      entry.undo?.();
    }
  }
}
