import type { Server } from "../components/server.js";
import type { WorkCounters } from "../roles.js";

// The work counters every worker tier reports (roles.ts), in their order there.
const WORK_COUNTERS = [
  "finished",
  "served",
  "wasted",
  "busySeconds",
  "wastedBusySeconds",
  "errorBusySeconds",
] as const satisfies readonly (keyof WorkCounters)[];

type Summed = (typeof WORK_COUNTERS)[number] | "arrived";

/**
 * The servers an autoscaler created, in creation order. One it takes out of its balancer stays
 * here, marked removed: it finishes what it holds and takes no more, and its work still counts.
 */
export class InstanceGroup {
  /** Every instance created, removed ones included. */
  readonly all: Server[] = [];
  private readonly removed = new Set<Server>();
  /** The work of every instance created: together they are a worker tier of their own. */
  readonly work: WorkCounters;

  constructor() {
    // Read live: each counter sums over the instances whenever it is read.
    const live = WORK_COUNTERS.map((key) => [key, { get: () => this.sum(key), enumerable: true }]);
    this.work = Object.defineProperties({}, Object.fromEntries(live)) as WorkCounters;
  }

  /** A counter summed over every instance created, removed ones included. */
  sum(key: Summed): number {
    let n = 0;
    for (const s of this.all) n += s.stats[key];
    return n;
  }

  add(server: Server): void {
    this.all.push(server);
  }

  /** Marks an instance as out of the balancer. */
  remove(server: Server): void {
    this.removed.add(server);
  }

  /** Calls waiting at the instances created. */
  get queueLength(): number {
    let n = 0;
    for (const s of this.all) n += s.queueLength;
    return n;
  }

  /** Calls in service at the instances created. */
  get inFlight(): number {
    let n = 0;
    for (const s of this.all) n += s.inFlight;
    return n;
  }

  /** Workers of the instances still in the balancer. */
  get workers(): number {
    let n = 0;
    for (const s of this.all) if (!this.removed.has(s)) n += s.concurrency;
    return n;
  }

  /** What the instances still in the balancer can finish per second now (cold ones count slower). */
  get capacityPerSec(): number {
    let n = 0;
    for (const s of this.all) if (!this.removed.has(s)) n += s.capacityPerSec;
    return n;
  }
}
