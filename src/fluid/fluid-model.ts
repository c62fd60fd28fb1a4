import type { DistributionSpec } from "../engine/distributions.js";
import { Cache } from "../model/components/cache.js";
import { Database } from "../model/components/database.js";
import { Server } from "../model/components/server.js";
import { createProfile, type LoadProfile, type ProfileSpec } from "../model/load/profile.js";
import { buildModel } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { BoundedQueueModel } from "./bounded-queue-model.js";
import { Chain, type ChainLayer } from "./chain.js";
import { followChain } from "./chain-model.js";
import { attemptRate, type ClientFlowOptions } from "./client-flow.js";
import { ContendedQueueModel, queryTime } from "./contended-queue-model.js";
import { ExpiringQueueModel } from "./expiring-queue-model.js";
import { FifoQueueModel } from "./fifo-queue-model.js";
import { HotSet } from "./hot-set.js";
import type { QueueModel } from "./queue-model.js";

/** A change over an interval of time that the fluid trajectory follows. */
export interface FluidEvent {
  kind: "loadFactor" | "loadRamp" | "pause" | "emptyQueue" | "flush" | "warm";
  start: number;
  end: number;
  /**
   * Load multiplier for `loadFactor`; the starting multiplier of `loadRamp` (it rises to 1 at
   * `end`); the fraction of the cache's capacity filled with its hottest keys for `warm`.
   */
  factor: number;
  /** How the scenario names it, e.g. "spike users at 20 s". */
  label: string;
}

/** A look-aside cache between the client and the database (the queue), hit rate as a state. */
export interface FluidCache {
  name: string;
  hotSet: HotSet;
  /** Seconds to answer a hit. */
  hitLatency: number;
  /** Hit rate at the start: the hottest keys `prefill` puts in, else 0 (cold). */
  startHitRate: number;
  /** How requests pick keys, e.g. "zipf(exponent=1.2)". */
  popularity: string;
  keys: number;
}

/**
 * A scenario reduced to what the fluid model needs: one client calling one queued server, or a
 * look-aside cache over one database (`cache` set; `serverName` and `queue` are the database's).
 */
export interface FluidModel {
  scenario: string;
  clientName: string;
  serverName: string;
  client: ClientFlowOptions;
  queue: QueueModel;
  /** The cache in front of the database; null for a client calling a server. */
  cache: FluidCache | null;
  /**
   * With services between the client and the queue: every hop, the client's first (its `work` is
   * the called service's own work); null when the client calls the server (or cache) itself.
   */
  chain: ChainLayer[] | null;
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

// How many components of each section the fluid model takes: one server; or one cache over one
// database; or a chain of services (and a pool) down to one server or database.
const SECTIONS_COVERED: Record<string, number> = { servers: 1 };
const CACHE_SECTIONS: Record<string, number> = { caches: 1, databases: 1 };
const CHAIN_SECTIONS: Record<string, number> = {
  services: Infinity,
  pools: Infinity,
  servers: 1,
  databases: 1,
};
const LEASE_REFUSAL =
  "its load depends on how many hosts hold a lease, and after an outage they re-acquire in lockstep, not as a Poisson flow; simulate it";
const SECTION_NOUN: Record<string, string> = {
  balancers: "load balancer",
  autoscalers: "autoscaler",
  caches: "cache",
  services: "service",
  servers: "server",
  databases: "database",
  leaseFleets: "lease fleet",
  pools: "connection pool",
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
  const count = (section: string) => Object.keys((spec[section] ?? {}) as object).length;
  const cached = count("caches") > 0;
  const chained = !cached && (count("services") > 0 || count("pools") > 0);
  const covered = cached ? CACHE_SECTIONS : chained ? CHAIN_SECTIONS : SECTIONS_COVERED;
  for (const [section, noun] of Object.entries(SECTION_NOUN)) {
    const entries = Object.keys((spec[section] ?? {}) as object);
    const allowed = covered[section] ?? 0;
    if (
      entries.length > allowed ||
      (chained && count("servers") + count("databases") > 1 && section === "databases")
    ) {
      const name = entries[Math.min(allowed, entries.length - 1)]!;
      const why =
        section === "leaseFleets"
          ? LEASE_REFUSAL
          : "the fluid model solves sources -> one client -> one server, -> one cache -> one database, or a chain of services down to one server or database";
      refuse({ path: [section, name], message: `${noun} "${name}" is not covered: ${why}` });
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
  const cacheComponent = built.components.find(
    (c): c is Cache => c instanceof Cache && c.name === client.target.name,
  );
  let cache: FluidCache | null = null;
  let chain: ChainLayer[] | null = null;
  let serverName: string;
  let queue: QueueModel;
  const chainNotes: string[] = [];
  let tiers: { name: string; concurrency: number; blocking: boolean }[] = [];
  if (chained) {
    const found = followChain(
      spec,
      { name: clientName, target: client.target.name, timeout: client.timeout },
      BUDGET_DEFAULTS,
      (b, a) => meanBackoff(b as BackoffSpec | undefined, a),
      refuse,
    );
    serverName = found.bottom.name;
    const bottomTimeout =
      found.layers.length > 0 ? found.layers[found.layers.length - 1]!.client.timeout : client.timeout;
    if (found.bottom.section === "servers") {
      const server = built.components.find((c): c is Server => c instanceof Server && c.name === serverName)!;
      const serverSpec = (spec.servers as Record<string, Record<string, unknown>>)[serverName]!;
      queue = queueModel(serverName, serverSpec, server, bottomTimeout, refuse);
    } else {
      const db = built.components.find((c): c is Database => c instanceof Database && c.name === serverName)!;
      const dbSpec = (spec.databases as Record<string, Record<string, unknown>>)[serverName]!;
      queue = databaseQueueModel(serverName, dbSpec, db, bottomTimeout, refuse);
    }
    chain = [
      {
        caller: clientName,
        target: client.target.name,
        client: {} as ClientFlowOptions,
        work: found.topWork,
      },
      ...found.layers,
    ];
    for (const note of found.approximations) chainNotes.push(note);
    tiers = found.tiers;
  } else if (cacheComponent) {
    cache = cacheOf(cacheComponent, client.timeout, refuse);
    const db = built.components.find(
      (c): c is Database => c instanceof Database && c.name === cacheComponent.target.name,
    )!;
    serverName = db.name;
    const dbSpec = (spec.databases as Record<string, Record<string, unknown>>)[serverName]!;
    queue = databaseQueueModel(serverName, dbSpec, db, client.timeout, refuse);
  } else {
    const server = built.components.find(
      (c): c is Server => c instanceof Server && c.name === client.target.name,
    );
    if (!server) {
      refuse({
        path: ["clients", clientName, "target"],
        message: `client "${clientName}" must call a server or a cache, not "${client.target.name}"`,
      });
    }
    serverName = server!.name;
    const serverSpec = (spec.servers as Record<string, Record<string, unknown>>)[serverName]!;
    queue = queueModel(serverName, serverSpec, server!, client.timeout, refuse);
  }

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
  if (budget && cache) {
    refuse({
      path: ["clients", clientName, "retryBudget"],
      message: `client "${clientName}": a retry budget in front of a cache is not modelled (it counts every request, the retries only misses)`,
    });
  }
  if (budget) {
    client_.retryBudget = {
      ratio: budget.ratio ?? BUDGET_DEFAULTS.ratio,
      minPerSecond: budget.minPerSecond ?? BUDGET_DEFAULTS.minPerSecond,
    };
  }
  if (chain) {
    chain[0]!.client = client_;
    approximations.push(
      "the services' own work is a fixed delay (their workers are never all busy); attempts at every layer fail independently, and a layer retries after its timeout or as soon as the call below it has failed",
    );
    for (const note of [...chainNotes, ...busyTiers(new Chain(chain), tiers, baseLoad)])
      approximations.push(note);
  }
  if (budget || chain?.some((l) => l.client.retryBudget !== null)) {
    approximations.push("a retry budget is taken at its long-run rate; its burst is left out");
  }
  const { events, notModelled } = faultEvents(
    spec,
    sources.map(([n]) => n),
    serverName,
    cache?.name ?? null,
  );
  if (cache && Object.keys(spec.servers ?? {}).length > 0) {
    const name = Object.keys(spec.servers as object)[0]!;
    refuse({
      path: ["servers", name],
      message: `server "${name}" is not covered: the fluid model of a cache solves one client -> one cache -> one database`,
    });
  }
  return {
    scenario: spec.name,
    clientName,
    serverName,
    client: client_,
    queue,
    cache,
    chain,
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

/**
 * Tiers whose workers would all be busy at the stuck state (every attempt failing) at `load`: a
 * worker is held for the tier's work and, when it blocks, for its call below to fail. The model
 * does not queue there, so it says so.
 */
function busyTiers(
  chain: Chain,
  tiers: { name: string; concurrency: number; blocking: boolean }[],
  load: number,
): string[] {
  const out: string[] = [];
  let calls = load;
  tiers.forEach((tier, k) => {
    calls = attemptRate(chain.layers[k]!.client, chain.allFail[k]!, calls);
    const held = chain.layers[k]!.work + (tier.blocking ? chain.failTime[k + 1]! : 0);
    const busy = calls * held;
    if (busy > tier.concurrency) {
      out.push(
        `with every attempt failing at ${load} req/s, service "${tier.name}" would need ${Math.round(busy)} workers and has ${tier.concurrency}: the queue that forms there is left out`,
      );
    }
  });
  return out;
}

// The simulator's defaults (src/model/client-policies/retry-budget.ts).
const BUDGET_DEFAULTS = { ratio: 0.1, minPerSecond: 1 };

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
  noun: "server" | "database" = "server",
): QueueModel {
  const path = [noun === "server" ? "servers" : "databases", name];
  const queue = spec.queue as { kind: string } | undefined;
  if (queue && queue.kind !== "fifo") {
    refuse({
      path: [...path, "queue", "kind"],
      message: `${noun} "${name}": the ${queue.kind} queue is not modelled (only fifo)`,
    });
  }
  if (server.errorCost > 0) {
    refuse({
      path: [...path, "errorCost"],
      message: `${noun} "${name}": a costly error path is not modelled`,
    });
  }
  const dist = spec.serviceTime as { kind: string } & Record<string, number>;
  const scv = SCV[dist.kind];
  if (!scv) {
    refuse({
      path: [...path, "serviceTime", "kind"],
      message: `${noun} "${name}": a ${dist.kind} service time is not modelled (exponential is exact; constant, uniform, normal and lognormal are approximated)`,
    });
  }
  const c = server.concurrency;
  const mu = 1 / server.serviceTime.mean;
  const exponential = dist.kind === "exponential";
  const bounded = Number.isFinite(server.queueCapacity);
  if (server.dropExpired && bounded) {
    refuse({
      path: [...path, "queueCapacity"],
      message: `${noun} "${name}": dropExpired together with a queueCapacity is not modelled (either one is)`,
    });
  }
  if (server.dropExpired) return new ExpiringQueueModel(c, mu, timeout, exponential);
  if (bounded) {
    if (server.queueCapacity > 20_000) {
      refuse({
        path: [...path, "queueCapacity"],
        message: `${noun} "${name}": a queue of more than 20,000 is solved as unbounded; leave queueCapacity out`,
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
  cache: string | null,
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
    } else if (sources.includes(f.target) && f.kind === "rampLoad") {
      // The simulator steps the load back in 20 equal steps; the fluid takes the ramp as linear.
      const factor = f.from ?? 0;
      if (sources.length === 1) events.push({ kind: "loadRamp", start: f.at, end, factor, label });
      else notModelled.push(`${label} (one of several sources)`);
    } else if (f.target === cache && f.kind === "flush") {
      events.push({ kind: "flush", start: f.at, end: f.at, factor: 0, label });
    } else if (f.target === cache && f.kind === "warmCache") {
      events.push({ kind: "warm", start: f.at, end: f.at, factor: f.fraction ?? 1, label });
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

/** The cache's key space and options, or a refusal naming the option the model leaves out. */
function cacheOf(cache: Cache, timeout: number, refuse: (issue: Issue) => never): FluidCache {
  const path = ["caches", cache.name];
  const why = {
    coalesce: "coalesced reads (one database read per key in flight) are not modelled",
    serveStale: "serving stale entries while a read refreshes them is not modelled",
  } as const;
  for (const option of ["coalesce", "serveStale"] as const) {
    if (cache[option]) refuse({ path: [...path, option], message: `cache "${cache.name}": ${why[option]}` });
  }
  if (Number.isFinite(cache.ttl)) {
    refuse({
      path: [...path, "ttl"],
      message: `cache "${cache.name}": expiring entries (ttl) are not modelled; the model's cache keeps an entry until LRU evicts it`,
    });
  }
  if (cache.hitLatency >= timeout) {
    refuse({
      path: [...path, "hitLatency"],
      message: `cache "${cache.name}": a hit slower than the client's ${timeout} s timeout is not modelled`,
    });
  }
  const hotSet = new HotSet(cache.popularity, cache.capacity, cache.expectedHitRate);
  const prefilled = Math.min(Math.round(cache.prefill * cache.capacity), cache.popularity.keys);
  return {
    name: cache.name,
    hotSet,
    hitLatency: cache.hitLatency,
    startHitRate: hotSet.hotShare(prefilled),
    popularity: cache.popularity.label,
    keys: cache.popularity.keys,
  };
}

/** The database's queue: as a server's when its queries do not slow each other down, else contended. */
function databaseQueueModel(
  name: string,
  spec: Record<string, unknown>,
  db: Database,
  timeout: number,
  refuse: (issue: Issue) => never,
): QueueModel {
  const path = ["databases", name];
  if (db.contention === 0) {
    const options = {
      concurrency: db.concurrency,
      serviceTime: db.serviceTime,
      queueCapacity: db.queueCapacity,
      dropExpired: db.dropExpired,
      errorCost: 0,
    };
    return queueModel(name, spec, options, timeout, refuse, "database");
  }
  const query = queryTime(spec.serviceTime as DistributionSpec);
  if (!query) {
    refuse({
      path: [...path, "serviceTime", "kind"],
      message: `database "${name}": a ${(spec.serviceTime as { kind: string }).kind} query time is not modelled with contention (exponential, constant, uniform, normal and lognormal are)`,
    });
  }
  if (db.dropExpired) {
    refuse({
      path: [...path, "dropExpired"],
      message: `database "${name}": dropExpired together with contention is not modelled`,
    });
  }
  if (!Number.isFinite(db.queueCapacity) || db.queueCapacity > 20_000) {
    refuse({
      path: [...path, "queueCapacity"],
      message: `database "${name}": with contention the model needs a queueCapacity of at most 20,000`,
    });
  }
  return new ContendedQueueModel(db.concurrency, query!, db.contention, db.queueCapacity);
}
