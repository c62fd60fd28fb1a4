import type { Distribution } from "../engine/distribution.js";
import type { DistributionSpec } from "../engine/distributions.js";
import { checkBoolean, OptionError, within } from "../engine/option-error.js";
import type { Simulation } from "../engine/simulation.js";
import type { RequestOwner, Service } from "./call.js";
import { CLIENT_OPTIONS, Client } from "./components/client.js";
import {
  type FileInput,
  type FilePolicySpec,
  type OptionsInput,
  option,
  type PolicySpec,
  policyFamily,
} from "./options.js";
import type { CallCounters } from "./roles.js";

/**
 * A downstream call as the file holds it: the called component, a client's options (timeout,
 * retries, backoff, gates, deadline) and whether the incoming deadline is passed down.
 */
export const CALL_OPTIONS = {
  target: option.reference({
    doc: "What is called: a server, a pool over servers, another service.",
    required: true,
    to: "service",
  }),
  ...CLIENT_OPTIONS,
  propagateDeadline: option.boolean({
    doc: "Pass the incoming call's deadline down: the call's requests end when the upstream caller gives up (no retry starts after it, and attempts carry it so a `dropExpired` target can shed them).",
    default: false,
    defaultText: "(the call runs on its own timeout and retries, however late)",
  }),
} as const;

/** A downstream call as the service takes it: the target built. */
export type CallOptions = Omit<OptionsInput<typeof CALL_OPTIONS>, "target"> & { target: Service };

/** A downstream call as the file holds it. */
export type CallSpec = FileInput<typeof CALL_OPTIONS>;

/** The ways a parallel step waits for its calls. */
export const PARALLEL_WAITS = ["all", "first"] as const;

/** The kinds of step a service's work is made of, each with its options. */
export const STEP_KINDS = policyFamily("step", {
  work: {
    doc: "Own work: holds a worker for a service time.",
    options: {
      serviceTime: option.value<Distribution, DistributionSpec>()({
        format: "distribution",
        doc: "Service time of the work; must not go below 0.",
        required: true,
      }),
    },
  },
  call: {
    doc: "One downstream call, made by its own client; the step ends when the call's request completes or gives up.",
    options: CALL_OPTIONS,
  },
  parallel: {
    doc: "Downstream calls sent together.",
    options: {
      wait: option.choice({
        doc: '"all": the step needs every call to succeed; "first": it goes on at the first success, and fails only if every call fails.',
        values: PARALLEL_WAITS,
        default: "all",
      }),
      calls: option.value<CallOptions[], CallSpec[]>()({
        format: "calls",
        doc: "The calls, each with the options of a `call` step (and no kind).",
        required: true,
      }),
    },
  },
});

/** One step of a service's work, done in order: its options as declared, a call's target built. */
export type StepOptions =
  | Exclude<PolicySpec<typeof STEP_KINDS>, { kind: "call" }>
  | ({ kind: "call" } & CallOptions);

/** One step as the file holds it. */
export type StepSpec = FilePolicySpec<typeof STEP_KINDS>;

/** A step made ready to run: a service time, or a group of callers. */
export type Step =
  | { work: Distribution; callers: null; wait: "all"; propagate: null }
  | { work: null; callers: Client[]; wait: "all" | "first"; propagate: boolean[] };

/**
 * Checks the steps and builds a client for every call, named `<service>-><target>` (with `#n`
 * when the service calls the same target twice). Errors name the step and the option.
 */
export function buildSteps(
  sim: Simulation,
  service: string,
  steps: readonly StepOptions[],
  owner: RequestOwner,
): Step[] {
  if (!Array.isArray(steps) || steps.length === 0)
    throw new OptionError(["steps"], "expected at least one step (work, call or parallel)");
  const names = new Map<string, number>();
  const caller = (call: CallOptions): Client => {
    if (!call.target || typeof call.target.accept !== "function")
      throw new OptionError(["target"], "expected a component that takes calls");
    const seen = (names.get(call.target.name) ?? 0) + 1;
    names.set(call.target.name, seen);
    const name = `${service}->${call.target.name}${seen > 1 ? `#${seen}` : ""}`;
    const { target, propagateDeadline: _, ...options } = call;
    return new Client(sim, name, target, options, owner);
  };
  return steps.map((step, i) =>
    within(["steps", i], (): Step => {
      if (step.kind === "work") {
        const work = step.serviceTime;
        if (!work || !(work.min >= 0))
          throw new OptionError(["serviceTime"], "expected a distribution of non-negative times");
        return { work, callers: null, wait: "all", propagate: null };
      }
      if (step.kind === "call") {
        return {
          work: null,
          callers: [caller(step)],
          wait: "all",
          propagate: [checkBoolean("propagateDeadline", step.propagateDeadline ?? false)],
        };
      }
      if (step.kind === "parallel") {
        const calls: CallOptions[] = step.calls;
        const wait = step.wait ?? "all";
        if (wait !== "all" && wait !== "first")
          throw new OptionError(["wait"], `expected "all" or "first", got ${JSON.stringify(wait)}`);
        if (!Array.isArray(calls) || calls.length === 0)
          throw new OptionError(["calls"], "expected at least one call");
        const callers = calls.map((c, j) => within(["calls", j], () => caller(c)));
        const propagate = calls.map((c, j) =>
          within(["calls", j], () => checkBoolean("propagateDeadline", c.propagateDeadline ?? false)),
        );
        return { work: null, callers, wait, propagate };
      }
      throw new OptionError(
        ["kind"],
        `expected "work", "call" or "parallel", got ${JSON.stringify((step as { kind: unknown }).kind)}`,
      );
    }),
  );
}

const PER_CALL = ["requests", "attempts", "retries", "timeouts", "errors", "completions", "gaveUp"] as const;

/** A service's steps seen from outside: its calls' clients observed together, its settings. */
export class Callers {
  readonly clients: readonly Client[];
  /** Mean own work of one call, seconds (before any slowdown). */
  readonly ownWorkMean: number;

  constructor(private readonly steps: readonly Step[]) {
    this.clients = steps.flatMap((s) => s.callers ?? []);
    this.ownWorkMean = steps.reduce((sum, s) => sum + (s.work ? s.work.mean : 0), 0);
  }

  /** The least capacity among what it calls (Infinity when it calls nothing). */
  get capacityPerSec(): number {
    let least = Number.POSITIVE_INFINITY;
    for (const c of this.clients) least = Math.min(least, c.target.capacityPerSec);
    return least;
  }

  /** The steps in words, e.g. "work exponential(mean=0.01), then call db". */
  describeSteps(): string {
    return this.steps
      .map((s) =>
        s.work
          ? `work ${s.work.label}`
          : s.callers.length === 1
            ? `call ${s.callers[0]!.target.name}`
            : `parallel (wait for ${s.wait}) ${s.callers.map((c) => c.target.name).join(" + ")}`,
      )
      .join(", then ");
  }

  /** Their counters, summed. */
  sum(): CallCounters {
    const sum = { requests: 0, attempts: 0, retries: 0, timeouts: 0, errors: 0, completions: 0, gaveUp: 0 };
    let inFlight = 0;
    let abandoned = 0;
    for (const c of this.clients) {
      for (const k of PER_CALL) sum[k] += c.stats[k];
      inFlight += c.stats.inFlight;
      abandoned += c.stats.abandoned;
    }
    return { ...sum, inFlight, abandoned };
  }

  /** Writes each call's counters into `stats` as `<client>.<counter>`. */
  copyInto(stats: { [perCall: `${string}.${string}`]: number }): void {
    for (const c of this.clients) {
      for (const k of PER_CALL) stats[`${c.name}.${k}`] = c.stats[k];
      stats[`${c.name}.deadlineExceeded`] = c.stats.deadlineExceeded ?? 0;
    }
  }

  /** One line of settings per call, for the report. */
  describeCalls(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.clients) {
      const d = c.describe();
      out[c.name] = [`timeout ${d.timeout}`, `maxAttempts ${d.maxAttempts}`, `backoff ${d.backoff}`]
        .concat(
          Object.entries(d)
            .filter(
              ([k]) =>
                !["target", "timeout", "maxAttempts", "backoff", "retryOn", "acceptLateResponses"].includes(
                  k,
                ),
            )
            .map(([k, v]) => `${k} ${v}`),
        )
        .join(", ");
    }
    return out;
  }
}
