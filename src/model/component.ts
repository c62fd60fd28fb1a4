/**
 * What every model component shares: a unique name, a type, typed counters, and optionally gauges
 * the metrics layer samples on its grid. Counters only grow; gauges are instantaneous values.
 */
export interface Component {
  readonly name: string;
  /** The component type, e.g. "server", "cache". */
  readonly type: string;
  /** Cumulative counters (every field a number), read by the metrics layer at window boundaries. */
  readonly stats: object;
  /** Instantaneous values (queue length, hit rate, instances), sampled every probe interval. */
  gauges?(): Record<string, number>;
  /** Called once when the run starts (sources schedule arrivals, periodic loops start ticking). */
  start?(): void;
  /** Human-readable settings for the report's configuration table. */
  describe?(): Record<string, string>;
}

/**
 * A component whose requests are the system's external demand: a source, or a lease fleet whose
 * hosts each owe one renewal per period. What they generate is the offered load goodput is judged
 * against; retries and repeated acquisition steps are not demand.
 */
export interface LoadGenerator {
  /** Name of the component its requests go to (a client). */
  readonly feeds: string;
  /** Requests of demand generated so far. */
  offeredSoFar(): number;
  /** Planned demand (req/s) at time t, and just before t (profiles step at phase boundaries). */
  plannedRate(t: number): number;
  plannedRateJustBefore(t: number): number;
}

/** Whether a component generates external demand. */
export function isLoadGenerator<T extends object>(c: T): c is T & LoadGenerator {
  return typeof (c as Partial<LoadGenerator>).offeredSoFar === "function";
}

/**
 * What a trigger or intervention can do to a component. A component lists the capabilities it
 * has; a fault aimed at a component without the capability is refused when the scenario loads.
 */
export interface Capabilities {
  /** Stop starting and finishing work (a GC pause); `resume` releases what was held. */
  pause?(): void;
  resume?(): void;
  /** Multiply service times (1 = normal); a capacity loss of 80% is a factor of 5. */
  setSlowdown?(factor: number): void;
  /** Answer this fraction of calls with an error. */
  setErrorRate?(rate: number): void;
  /** Drop everything queued and in progress, as a restart does; callers time out. */
  restart?(): void;
  /** Make the component unreachable (calls fail at once, as in a partition), or reachable. */
  setReachable?(reachable: boolean): void;
  /** Empty a cache. */
  flush?(): void;
  /** Fill a cache to this fraction of its capacity, most popular keys first. */
  warm?(fraction: number): void;
  /** Multiply offered load (a spike above 1, a cut below 1). */
  setLoadFactor?(factor: number): void;
  /** Current load factor, so an intervention can ramp from it. */
  readonly loadFactor?: number;
  /** A hard cap on attempts per second; null removes it. */
  setRateLimit?(perSecond: number | null): void;
}

/** A component as the scenario layer handles it. */
export type ModelComponent = Component & Capabilities;
