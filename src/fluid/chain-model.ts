import { createDistribution, type DistributionSpec } from "../engine/distributions.js";
import { CLIENT_OPTIONS } from "../model/components/client.js";
import type { ParsedScenario } from "../scenario/parse.js";
import type { ChainLayer } from "./chain.js";
import type { ClientFlowOptions } from "./client-flow.js";
import { type BackoffSpec, meanBackoff, retryBudgetOf } from "./client-spec.js";
import type { Refuse } from "./fluid-refusal.js";

type Spec = Record<string, unknown>;

/** What a client may carry that the fluid model leaves out, and why. */
export const UNMODELLED_CLIENT_OPTIONS = {
  circuitBreaker: "a circuit breaker switches on and off, which has no steady state to solve for",
  hedge: "hedged requests are not modelled",
  deadline: "an end-to-end deadline is not modelled",
  rateLimit: "a client rate limit is not modelled",
  concurrencyLimit: "an adaptive concurrency limit is not modelled",
} as const;

/** What a call step's client may carry that the chain model leaves out, and why. */
export const UNMODELLED_CALL_OPTIONS = {
  ...UNMODELLED_CLIENT_OPTIONS,
  propagateDeadline: "a deadline passed down the chain is not modelled",
} as const;

/** The chain below the sources' client, down to the component that queues. */
export interface ChainPath {
  /** Layers below the top client, top first (the top client's layer is added by the caller). */
  layers: ChainLayer[];
  /** Work of the top client's target (0 when it is the bottom). */
  topWork: number;
  /** The bottom: a server or a database, and the section it is in. */
  bottom: { name: string; section: "servers" | "databases" };
  /** Per service on the chain: its workers and whether they are held while it waits below. */
  tiers: { name: string; concurrency: number; blocking: boolean }[];
  /** The pool passed through on the way, if any. */
  pool: string | null;
  approximations: string[];
}

/**
 * Follows the sources' client down through services (each doing its own work and making one call)
 * and at most one connection pool to the server or database that queues. Anything that does not
 * fit a chain is refused, naming the component and the field.
 */
export function followChain(
  spec: ParsedScenario["spec"],
  top: { name: string; target: string; timeout: number },
  refuse: Refuse,
): ChainPath {
  const services = (spec.services ?? {}) as Record<string, Spec>;
  const pools = (spec.pools ?? {}) as Record<string, Spec>;
  const servers = (spec.servers ?? {}) as Record<string, Spec>;
  const databases = (spec.databases ?? {}) as Record<string, Spec>;
  const layers: ChainLayer[] = [];
  const tiers: ChainPath["tiers"] = [];
  const approximations: string[] = [];
  const seen = new Set<string>();
  let caller = top.name;
  let target = top.target;
  let topWork = 0;
  let pool: string | null = null;
  const callPath: (string | number)[] = ["clients", top.name, "target"];
  let path = callPath;
  while (services[target]) {
    const name = target;
    if (seen.has(name)) {
      refuse({ path, message: `service "${name}" is called twice on the chain: a loop is not modelled` });
    }
    seen.add(name);
    const s = services[name]!;
    const at = ["services", name];
    const queue = s.queue as { kind: string } | undefined;
    if (queue && queue.kind !== "fifo") {
      refuse({
        path: [...at, "queue", "kind"],
        message: `service "${name}": the ${queue.kind} queue is not modelled (only fifo)`,
      });
    }
    if (s.queueCapacity !== undefined && Number.isFinite(s.queueCapacity as number)) {
      refuse({
        path: [...at, "queueCapacity"],
        message: `service "${name}": a bounded queue in a middle tier is not modelled; the chain model queues only at the bottom`,
      });
    }
    const steps = s.steps as (Spec & { kind: string })[];
    let work = 0;
    let call = null as { spec: Spec; index: number } | null;
    steps.forEach((step, index) => {
      if (step.kind === "work") work += createDistribution(step.serviceTime as DistributionSpec).mean;
      else if (step.kind === "parallel") {
        refuse({
          path: [...at, "steps", index],
          message: `service "${name}": parallel calls are not modelled; the chain model follows one call per service`,
        });
      } else if (call) {
        refuse({
          path: [...at, "steps", index],
          message: `service "${name}": a second call is not modelled; the chain model follows one call per service`,
        });
      } else call = { spec: step, index };
    });
    if (layers.length === 0) topWork = work;
    else layers[layers.length - 1]!.work = work;
    tiers.push({
      name,
      concurrency: (s.concurrency as number | undefined) ?? 1,
      blocking: (s.blocking as boolean | undefined) ?? true,
    });
    if (!call) {
      refuse({
        path: [...at, "steps"],
        message: `service "${name}" calls nothing: the chain needs a server or database at the bottom`,
      });
    }
    const { spec: c, index } = call as { spec: Spec; index: number };
    const stepPath = [...at, "steps", index];
    for (const [option, why] of Object.entries(UNMODELLED_CALL_OPTIONS)) {
      if (c[option] !== undefined && c[option] !== false) {
        refuse({ path: [...stepPath, option], message: `service "${name}", call to "${c.target}": ${why}` });
      }
    }
    layers.push({
      caller: `${name}->${c.target as string}`,
      target: c.target as string,
      client: callClient(c),
      work: 0,
    });
    caller = name;
    target = c.target as string;
    path = [...stepPath, "target"];
  }
  if (pools[target]) {
    const p = pools[target]!;
    const at = ["pools", target];
    const backends = p.backends as string[];
    if (backends.length !== 1) {
      refuse({
        path: [...at, "backends"],
        message: `pool "${target}": a pool over ${backends.length} backends is not modelled (one backend is)`,
      });
    }
    if (((p.reconnectCost as number | undefined) ?? 1) > 0) {
      refuse({
        path: [...at, "reconnectCost"],
        message: `pool "${target}": handshakes on reconnect add work the fluid model leaves out; with reconnectCost 0 the pool is modelled`,
      });
    }
    if (p.queueCapacity !== undefined && Number.isFinite(p.queueCapacity as number)) {
      refuse({
        path: [...at, "queueCapacity"],
        message: `pool "${target}": a bounded wait for a connection is not modelled`,
      });
    }
    approximations.push(
      `pool "${target}" (${p.size ?? "4"} connections) is taken as part of the queue in front of "${backends[0]}": calls wait for a connection in arrival order, and reconnects after timeouts are free and not delayed`,
    );
    pool = target;
    caller = target;
    target = backends[0]!;
    path = ["pools", pool, "backends", 0];
  }
  const section = servers[target] ? "servers" : databases[target] ? "databases" : null;
  if (!section) {
    refuse({
      path,
      message: `"${caller}" calls "${target}": the chain model needs a server or a database at the bottom`,
    });
  }
  for (const name of Object.keys(services)) {
    if (!seen.has(name)) {
      refuse({
        path: ["services", name],
        message: `service "${name}" is not on the chain from client "${top.name}": the fluid model solves one chain`,
      });
    }
  }
  for (const name of Object.keys(pools)) {
    if (name !== pool) {
      refuse({
        path: ["pools", name],
        message: `pool "${name}" is not on the chain from client "${top.name}": the fluid model solves one chain`,
      });
    }
  }
  return { layers, topWork, bottom: { name: target, section: section! }, tiers, pool, approximations };
}

/** A call step's client as the fluid model needs it, the client's defaults filled in. */
function callClient(c: Spec): ClientFlowOptions {
  const pick = <K extends keyof typeof CLIENT_OPTIONS>(k: K) =>
    (c[k] ?? (CLIENT_OPTIONS[k] as { default?: unknown }).default) as never;
  const maxAttempts: number = pick("maxAttempts");
  return {
    timeout: pick("timeout"),
    maxAttempts,
    retryOnTimeout: pick("retryOnTimeout"),
    retryOnError: pick("retryOnError"),
    meanBackoff: meanBackoff(c.backoff as BackoffSpec | undefined, maxAttempts),
    acceptLateResponses: pick("acceptLateResponses"),
    retryBudget: retryBudgetOf(c.retryBudget as { ratio?: number; minPerSecond?: number } | undefined),
  };
}
