import type { DistributionSpec } from "../engine/distributions.js";
import type { Database } from "../model/components/database.js";
import { BoundedQueueModel } from "./bounded-queue-model.js";
import { ContendedQueueModel, queryTime } from "./contended-queue-model.js";
import { ExpiringQueueModel } from "./expiring-queue-model.js";
import { FifoQueueModel } from "./fifo-queue-model.js";
import type { Refuse } from "./fluid-refusal.js";
import type { QueueModel } from "./queue-model.js";

// Squared coefficient of variation of service time, where the distribution's parameters give it.
const SCV: Record<string, (d: Record<string, number>) => number> = {
  exponential: () => 1,
  constant: () => 0,
  uniform: (d) => (d.max! - d.min!) ** 2 / 12 / ((d.min! + d.max!) / 2) ** 2,
  lognormal: (d) => (d.stddev! / d.mean!) ** 2,
  normal: (d) => (d.stddev! / d.mean!) ** 2,
};

/**
 * A server's queue (or a database's without contention) as a queue model: the model exact for its
 * options, or a refusal naming the option no model covers.
 */
export function serverQueueModel(
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
  refuse: Refuse,
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

/** The database's queue: as a server's when its queries do not slow each other down, else contended. */
export function databaseQueueModel(
  name: string,
  spec: Record<string, unknown>,
  db: Database,
  timeout: number,
  refuse: Refuse,
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
    return serverQueueModel(name, spec, options, timeout, refuse, "database");
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
