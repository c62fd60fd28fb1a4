import type { ClientFlowOptions } from "./client-flow.js";
import { FluidDynamics } from "./dynamics.js";
import type { HotSet } from "./hot-set.js";
import type { QueueModel } from "./queue-model.js";

/** What the fluid model needs of a look-aside cache (its hits take less than the timeout: never late). */
export interface CacheFlowOptions {
  hotSet: HotSet;
}

/**
 * A look-aside cache over a database as a fluid system over (hit rate h, database queue q, orbit
 * r). A request's first call hits with probability h; a miss reads the database, and its retries
 * ask for the same key, so they miss too. The database and the retries are therefore the
 * one-server fluid model (FluidDynamics) driven by the misses, (1 - h) x load:
 *
 *   q' = ((1 - h) load + r / D - x(q)) (1 - rejected)
 *   r' = ((1 - h) load + r / D) (A - 1) / A - r / D
 *   h' = fills(h, reads per key, onTime(q), readTime(q))      below the full cache's hit rate
 *      = kappa (h_full - h)                                    at or above it (LRU turnover)
 *
 * Only a read answered within the caller's timeout fills the cache (onTime), after readTime = q /
 * x(q); kappa is the reads answered in time per second over the cache's capacity.
 */
export class CacheDynamics {
  readonly orbitTime: number;
  /** The database with the client's retries, driven by the misses. */
  readonly db: FluidDynamics;
  readonly fullHitRate: number;
  private readonly two = new Float64Array(2);

  constructor(
    queue: QueueModel,
    readonly client: ClientFlowOptions,
    readonly cache: CacheFlowOptions,
  ) {
    this.db = new FluidDynamics(queue, client);
    this.orbitTime = this.db.orbitTime;
    this.fullHitRate = cache.hotSet.fullHitRate;
  }

  /** Share of reads answered ok within the timeout at database queue q. */
  onTime(q: number): number {
    return 1 - this.db.lookup(q).timeout;
  }

  /** (h', q', r') at (h, q, r) and base load `load`; a paused database finishes nothing. */
  rate(h: number, q: number, r: number, load: number, paused: boolean, out: Float64Array): void {
    const hh = Math.min(Math.max(h, 0), 1);
    const two = this.two;
    this.db.rate(q, r, (1 - hh) * load, paused, two);
    out[1] = two[0]!;
    out[2] = two[1]!;
    const here = this.db.lookup(q);
    const growing = this.db.queue.onTimeWhileGrowing?.(q, out[1]!, this.client.timeout);
    const onTime = paused ? 0 : Math.min(1 - here.timeout, growing ?? 1);
    const reads = (1 - hh) * load + Math.max(r, 0) / this.orbitTime;
    if (hh < this.fullHitRate) {
      // Reads per second for a key the cache lacks, per unit of its popularity.
      const perKey = reads / Math.max(1 - hh, 1e-9);
      const readTime = here.x > 0 ? Math.min(Math.max(q, 0) / here.x, this.client.timeout) : 0;
      out[0] = this.cache.hotSet.fillRate(hh, perKey, onTime, readTime);
    } else {
      const capacity = Math.max(this.cache.hotSet.capacity, 1);
      out[0] = (reads * onTime * (this.fullHitRate - hh)) / capacity;
    }
  }
}
