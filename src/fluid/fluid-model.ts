import { Cache } from "../model/components/cache.js";
import { Database } from "../model/components/database.js";
import { Server } from "../model/components/server.js";
import { createProfile, type LoadProfile, type ProfileSpec } from "../model/load/profile.js";
import { buildModel } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { Chain, type ChainLayer } from "./chain.js";
import { followChain, UNMODELLED_CLIENT_OPTIONS } from "./chain-model.js";
import { attemptRate, type ClientFlowOptions } from "./client-flow.js";
import { type BackoffSpec, meanBackoff, retryBudgetOf } from "./client-spec.js";
import { cacheOf, type FluidCache } from "./fluid-cache.js";
import { type FluidEvent, faultEvents } from "./fluid-events.js";
import { FluidRefusal, type Issue } from "./fluid-refusal.js";
import type { QueueModel } from "./queue-model.js";
import { databaseQueueModel, serverQueueModel } from "./server-queue.js";
import { type LoadPeak, peakOf, startingLoad } from "./source-load.js";

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
  peak: LoadPeak | null;
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
      refuse,
    );
    serverName = found.bottom.name;
    const bottomTimeout =
      found.layers.length > 0 ? found.layers[found.layers.length - 1]!.client.timeout : client.timeout;
    if (found.bottom.section === "servers") {
      const server = built.components.find((c): c is Server => c instanceof Server && c.name === serverName)!;
      const serverSpec = (spec.servers as Record<string, Record<string, unknown>>)[serverName]!;
      queue = serverQueueModel(serverName, serverSpec, server, bottomTimeout, refuse);
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
    queue = serverQueueModel(serverName, serverSpec, server!, client.timeout, refuse);
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
    retryBudget: retryBudgetOf(
      clientSpec.retryBudget as { ratio?: number; minPerSecond?: number } | undefined,
    ),
  };
  const budget = client_.retryBudget;
  if (budget && cache) {
    refuse({
      path: ["clients", clientName, "retryBudget"],
      message: `client "${clientName}": a retry budget in front of a cache is not modelled (it counts every request, the retries only misses)`,
    });
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
