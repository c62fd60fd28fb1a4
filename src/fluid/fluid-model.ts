import { createProfile, type LoadProfile, type ProfileSpec } from "../model/load/profile.js";
import { Server } from "../model/server.js";
import { buildModel } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { BoundedQueueModel } from "./bounded-queue-model.js";
import type { ClientFlowOptions } from "./client-flow.js";
import { ExpiringQueueModel } from "./expiring-queue-model.js";
import { FifoQueueModel } from "./fifo-queue-model.js";
import type { QueueModel } from "./queue-model.js";

/** A change over an interval of time that the fluid trajectory follows. */
export interface FluidEvent {
  kind: "loadFactor" | "pause" | "emptyQueue";
  start: number;
  end: number;
  /** Load multiplier for `loadFactor`. */
  factor: number;
  /** How the scenario names it, e.g. "spike users at 20 s". */
  label: string;
}

/** A scenario reduced to what the fluid model needs: one client calling one queued server. */
export interface FluidModel {
  scenario: string;
  clientName: string;
  serverName: string;
  client: ClientFlowOptions;
  queue: QueueModel;
  /** Requests per second the sources offer at time t (triggers not included). */
  profile(t: number): number;
  /** The scenario's own base load: the sources' rate at the start. */
  baseLoad: number;
  /** The largest rate the sources reach above the base load, and when; null for a flat load. */
  peak: { rate: number; start: number; end: number } | null;
  /** The sources offer load during [0, duration). */
  duration: number;
  /** End of the run: duration plus drain. */
  end: number;
  /** Times where the sources' load changes slope or jumps. */
  breakpoints: number[];
  /** Triggers and interventions the trajectory follows. */
  events: FluidEvent[];
  /** Triggers and interventions the fluid model leaves out, e.g. "slowdown server at 20 s". */
  notModelled: string[];
  /** Assumptions beyond the queue model's own. */
  approximations: string[];
}

type Issue = { path: (string | number)[]; message: string };

/** A scenario the fluid model does not cover, located at the component or option at fault. */
export class FluidRefusal extends ScenarioError {
  override name = "FluidRefusal";
}

const SECTIONS_COVERED = new Set(["sources", "clients", "servers"]);
const SECTION_NOUN: Record<string, string> = {
  loadBalancers: "load balancer",
  autoscalers: "autoscaler",
  caches: "cache",
  databases: "database",
  leaseFleets: "lease fleet",
  connectionPools: "connection pool",
  configPipelines: "config pipeline",
};
const UNMODELLED_CLIENT_OPTIONS = {
  circuitBreaker: "a circuit breaker switches on and off, which has no steady state to solve for",
  hedge: "hedged requests are not modelled",
  deadline: "an end-to-end deadline is not modelled",
  rateLimit: "a client rate limit is not modelled",
  concurrencyLimit: "an adaptive concurrency limit is not modelled",
} as const;
// Squared coefficient of variation of service time, where the distribution's parameters give it.
const SCV: Record<string, (d: Record<string, number>) => number> = {
  exponential: () => 1,
  constant: () => 0,
  uniform: (d) => (d.max! - d.min!) ** 2 / 12 / ((d.min! + d.max!) / 2) ** 2,
  lognormal: (d) => (d.stddev! / d.mean!) ** 2,
  normal: (d) => (d.stddev! / d.mean!) ** 2,
};

/**
 * Reads a parsed scenario into a fluid model. The scenario is first built as the simulator builds
 * it, so every option is checked the same way; a topology or option the fluid model does not cover
 * is refused with a ScenarioError naming the component and field.
 */
export function deriveFluidModel(parsed: ParsedScenario): FluidModel {
  const built = buildModel(parsed);
  const spec = parsed.spec;
  const refuse = (issue: Issue): never => {
    throw new FluidRefusal([parsed.issueAt(issue.path, issue.message)]);
  };
  for (const [section, noun] of Object.entries(SECTION_NOUN)) {
    const entries = Object.keys((spec[section] ?? {}) as object);
    if (entries.length > 0 && !SECTIONS_COVERED.has(section)) {
      refuse({
        path: [section, entries[0]!],
        message: `${noun} "${entries[0]}" is not covered: the fluid model solves sources -> one client -> one server`,
      });
    }
  }
  const clients = Object.entries((spec.clients ?? {}) as Record<string, Record<string, unknown>>);
  if (clients.length !== 1) {
    refuse({
      path: clients.length === 0 ? [] : ["clients", clients[1]![0]],
      message: `expected exactly one client, found ${clients.length}`,
    });
  }
  const [clientName, clientSpec] = clients[0]!;
  for (const [option, why] of Object.entries(UNMODELLED_CLIENT_OPTIONS)) {
    if (clientSpec[option] !== undefined) {
      refuse({ path: ["clients", clientName, option], message: `client "${clientName}": ${why}` });
    }
  }
  const client = built.clients.find((c) => c.name === clientName)!;
  const server = built.components.find(
    (c): c is Server => c instanceof Server && c.name === client.target.name,
  );
  if (!server) {
    refuse({
      path: ["clients", clientName, "target"],
      message: `client "${clientName}" must call a server, not "${client.target.name}"`,
    });
  }
  const serverName = server!.name;
  const serverSpec = (spec.servers as Record<string, Record<string, unknown>>)[serverName]!;
  const queue = queueModel(serverName, serverSpec, server!, client.timeout, refuse);

  const sources = Object.entries(
    (spec.sources ?? {}) as Record<string, { target: string; profile: unknown }>,
  );
  const profiles: LoadProfile[] = [];
  for (const [name, s] of sources) {
    if (s.target !== clientName) {
      refuse({
        path: ["sources", name, "target"],
        message: `source "${name}" must feed client "${clientName}"`,
      });
    }
    profiles.push(createProfile(s.profile as ProfileSpec));
  }
  const profile = (t: number) =>
    t >= built.settings.duration ? 0 : profiles.reduce((sum, p) => sum + p.rate(t), 0);
  const duration = built.settings.duration;
  const baseLoad = startingLoad(profiles, profile, duration);
  if (!(baseLoad > 0)) refuse({ path: ["sources"], message: "the sources offer no load" });

  const approximations: string[] = [];
  if (sources.some(([, s]) => (s as { arrivals?: string }).arrivals !== "poisson")) {
    approximations.push(
      "first attempts are taken as Poisson; evenly spaced arrivals (arrivals: even) queue less",
    );
  }
  const client_: ClientFlowOptions = {
    timeout: client.timeout,
    maxAttempts: client.maxAttempts,
    retryOnTimeout: client.retryOnTimeout,
    retryOnError: client.retryOnError,
    meanBackoff: meanBackoff(clientSpec.backoff as BackoffSpec | undefined, client.maxAttempts),
    acceptLateResponses: client.acceptLateResponses,
    retryBudget: null,
  };
  const budget = clientSpec.retryBudget as { ratio?: number; minPerSecond?: number } | undefined;
  if (budget) {
    // The simulator's defaults (src/model/client-policies/retry-budget.ts).
    client_.retryBudget = { ratio: budget.ratio ?? 0.1, minPerSecond: budget.minPerSecond ?? 1 };
    approximations.push("the retry budget is taken at its long-run rate; its burst is left out");
  }
  const { events, notModelled } = faultEvents(
    spec,
    sources.map(([n]) => n),
    serverName,
  );
  return {
    scenario: spec.name,
    clientName,
    serverName,
    client: client_,
    queue,
    profile,
    baseLoad,
    peak: peakOf(profiles, profile, baseLoad, duration),
    duration,
    end: built.settings.duration + built.settings.drain,
    breakpoints: [
      ...new Set([...profiles.flatMap((p) => p.segments.map((seg) => seg.start)), duration]),
    ].filter((t) => t > 0),
    events,
    notModelled,
    approximations,
  };
}

type BackoffSpec =
  | { kind: "none" }
  | { kind: "fixed"; delay: number }
  | { kind: "exponential"; base: number; multiplier?: number; cap?: number; jitter?: string }
  | { kind: "decorrelated"; base: number; cap?: number };

/** Mean wait before a retry, averaged over retries 1 .. maxAttempts - 1 alike. */
export function meanBackoff(spec: BackoffSpec | undefined, maxAttempts: number): number {
  if (!spec || spec.kind === "none" || maxAttempts < 2) return 0;
  if (spec.kind === "fixed") return spec.delay;
  const retries = maxAttempts - 1;
  let sum = 0;
  if (spec.kind === "exponential") {
    const jitter = spec.jitter === "full" ? 0.5 : spec.jitter === "equal" ? 0.75 : 1;
    for (let k = 1; k <= retries; k++) {
      sum +=
        jitter *
        Math.min(spec.cap ?? Number.POSITIVE_INFINITY, spec.base * (spec.multiplier ?? 2) ** (k - 1));
    }
  } else {
    // uniform(base, 3 x previous), capped, in the mean.
    let previous = 0;
    for (let k = 1; k <= retries; k++) {
      previous = Math.min(
        spec.cap ?? Number.POSITIVE_INFINITY,
        (spec.base + Math.max(spec.base, 3 * previous)) / 2,
      );
      sum += previous;
    }
  }
  return sum / retries;
}

function queueModel(
  name: string,
  spec: Record<string, unknown>,
  server: {
    concurrency: number;
    serviceTime: { mean: number };
    queueCapacity: number;
    dropExpired: boolean;
    errorCost: number;
  },
  timeout: number,
  refuse: (issue: Issue) => never,
): QueueModel {
  const path = ["servers", name];
  const queue = spec.queue as { kind: string } | undefined;
  if (queue && queue.kind !== "fifo") {
    refuse({
      path: [...path, "queue", "kind"],
      message: `server "${name}": the ${queue.kind} queue is not modelled (only fifo)`,
    });
  }
  if (server.errorCost > 0) {
    refuse({
      path: [...path, "errorCost"],
      message: `server "${name}": a costly error path is not modelled`,
    });
  }
  const dist = spec.serviceTime as { kind: string } & Record<string, number>;
  const scv = SCV[dist.kind];
  if (!scv) {
    refuse({
      path: [...path, "serviceTime", "kind"],
      message: `server "${name}": a ${dist.kind} service time is not modelled (exponential is exact; constant, uniform, normal and lognormal are approximated)`,
    });
  }
  const c = server.concurrency;
  const mu = 1 / server.serviceTime.mean;
  const exponential = dist.kind === "exponential";
  const bounded = Number.isFinite(server.queueCapacity);
  if (server.dropExpired && bounded) {
    refuse({
      path: [...path, "queueCapacity"],
      message: `server "${name}": dropExpired together with a queueCapacity is not modelled (either one is)`,
    });
  }
  if (server.dropExpired) return new ExpiringQueueModel(c, mu, timeout, exponential);
  if (bounded) {
    if (server.queueCapacity > 20_000) {
      refuse({
        path: [...path, "queueCapacity"],
        message: `server "${name}": a queue of more than 20,000 is solved as unbounded; leave queueCapacity out`,
      });
    }
    return new BoundedQueueModel(c, mu, server.queueCapacity, exponential);
  }
  return new FifoQueueModel(c, mu, scv!(dist));
}

function startingLoad(profiles: LoadProfile[], profile: (t: number) => number, duration: number): number {
  const at0 = profile(0);
  if (at0 > 0) return at0;
  // A profile that starts from nothing: the first rate it reaches.
  const starts = profiles.flatMap((p) => p.segments.map((s) => s.start)).filter((t) => t < duration);
  for (const t of [...new Set(starts)].sort((a, b) => a - b)) if (profile(t) > 0) return profile(t);
  return 0;
}

function peakOf(
  profiles: LoadProfile[],
  profile: (t: number) => number,
  base: number,
  duration: number,
): FluidModel["peak"] {
  const cuts = [...new Set(profiles.flatMap((p) => p.segments.flatMap((s) => [s.start, s.end])))]
    .filter((t) => t < duration)
    .sort((a, b) => a - b);
  let best: FluidModel["peak"] = null;
  for (let i = 0; i < cuts.length; i++) {
    const t = cuts[i]!;
    const rate = profile(t);
    if (rate > base * (1 + 1e-9) && (best === null || rate > best.rate)) {
      const end = cuts.slice(i + 1).find((u) => profile(u) !== rate) ?? duration;
      best = { rate, start: t, end: Math.min(end, duration) };
    }
  }
  return best;
}

function faultEvents(
  spec: ParsedScenario["spec"],
  sources: string[],
  server: string,
): { events: FluidEvent[]; notModelled: string[] } {
  const events: FluidEvent[] = [];
  const notModelled: string[] = [];
  for (const f of [...(spec.triggers ?? []), ...(spec.interventions ?? [])]) {
    const label = `${f.kind} ${f.target} at ${f.at} s`;
    const end = f.at + (f.duration ?? 0);
    if (sources.includes(f.target) && (f.kind === "spike" || f.kind === "cutLoad")) {
      // A spike multiplies one source; the model scales the whole load, so only one source is exact.
      const factor = f.kind === "spike" ? (f.factor ?? 1) : 1 - (f.fraction ?? 0);
      if (sources.length === 1) events.push({ kind: "loadFactor", start: f.at, end, factor, label });
      else notModelled.push(`${label} (one of several sources)`);
    } else if (f.target === server && (f.kind === "pause" || f.kind === "unreachable")) {
      events.push({ kind: "pause", start: f.at, end, factor: 1, label });
    } else if (f.target === server && (f.kind === "crash" || f.kind === "restart")) {
      events.push({ kind: "emptyQueue", start: f.at, end: f.at, factor: 1, label });
    } else {
      notModelled.push(label);
    }
  }
  return { events, notModelled };
}
