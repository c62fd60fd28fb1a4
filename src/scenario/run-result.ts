/** Totals over the whole run. Counts are of requests (a user's call) and attempts (one try). */
export interface RunTotals {
  /** External requests created by the sources. */
  requests: number;
  /** Attempts sent by clients (first tries plus retries). */
  attempts: number;
  /** Attempts whose work servers finished (throughput), wanted or not. */
  served: number;
  /** Requests that got a successful answer the client still wanted (goodput). */
  completions: number;
  /** Attempts that hit the client's per-attempt timeout. */
  timeouts: number;
  /** Attempts that were retries. */
  retries: number;
  /** Requests abandoned after the last allowed attempt (or a non-retryable error). */
  gaveUp: number;
  /** Served attempts whose answer nobody wanted any more (the client had timed out). */
  wasted: number;
  /** Error answers received by clients (queue full, dropped past deadline, ...). */
  errors: number;
  /** Requests neither completed nor given up when the run ended. */
  inFlight: number;
}

/** Statistics of one load-profile phase, [start, end) in seconds. Rates are per second. */
export interface PhaseStats {
  label: string;
  start: number;
  end: number;
  /** Highest rate the load profile plans in the phase (before triggers scale it). */
  plannedPerSec: number;
  offeredPerSec: number;
  throughputPerSec: number;
  goodputPerSec: number;
  timeoutsPerSec: number;
  retriesPerSec: number;
  queueDepthMean: number;
  queueDepthMax: number;
  /** End-to-end latency quantiles (seconds) of requests completed in the phase; null if none. */
  latencyP50: number | null;
  latencyP99: number | null;
}

/** A trigger or intervention as scheduled: kind, target component, and [start, end] in seconds. */
export interface ScheduledChange {
  kind: string;
  target: string;
  start: number;
  end: number;
}

/** One component's configuration as shown to a user. */
export interface ComponentSummary {
  name: string;
  type: string;
  /** Human-readable settings, in display order. */
  settings: Record<string, string>;
}

/** The JSON document `metastable run --json` prints. Times in seconds. */
export interface RunResult {
  scenario: string;
  description: string;
  seed: number;
  simulatedSeconds: number;
  wallSeconds: number;
  events: number;
  components: ComponentSummary[];
  /** Scheduled triggers (what pushes the system) and interventions (what tries to rescue it). */
  triggers: ScheduledChange[];
  interventions: ScheduledChange[];
  /** Service capacity (requests/s) of the server(s) the sources load. */
  capacityPerSec: number;
  /** Per-attempt timeout of the first client, for charts; null without clients. */
  timeout: number | null;
  totals: RunTotals;
  /** attempts / requests. */
  retryAmplification: number;
  /** timeouts / attempts. */
  timeoutRate: number;
  /** Queue depth summed over servers when the run ended. */
  finalQueueDepth: number;
  phases: PhaseStats[];
  /** The drain period after the sources stop, if any. */
  drain: PhaseStats | null;
  latency: {
    count: number;
    mean: number | null;
    p50: number | null;
    p90: number | null;
    p99: number | null;
    max: number | null;
  };
  /** Every component's counters at the end of the run, by component name. */
  componentStats: Record<string, Record<string, number>>;
  /** How many attempts the completed requests needed: attempts -> count. */
  attemptsPerCompletion: { attempts: number; count: number }[];
}

/** Time series behind the charts and CSV files. Each array is aligned with its time axis. */
export interface RunSeries {
  /** Gauges sampled every `probeInterval` seconds, at `probeTimes`. */
  probeInterval: number;
  probeTimes: number[];
  /** Queue depth (calls waiting, not in service) per server name. */
  queueDepth: Record<string, number[]>;
  /** Every component's gauges, keyed `component.gauge` (NaN before a gauge first existed). */
  gauges: Record<string, number[]>;
  /** Rates over consecutive windows of `window` seconds starting at `windowStarts`. */
  window: number;
  windowStarts: number[];
  offered: number[];
  throughput: number[];
  goodput: number[];
  timeouts: number[];
  retries: number[];
  /** Attempts sent per second (first tries plus retries). */
  attempts: number[];
  /** Served attempts per second whose answer nobody wanted. */
  wasted: number[];
  /** Mean end-to-end latency of requests completed in the window; null when none completed. */
  latencyMean: (number | null)[];
  /** Median and 99th-percentile end-to-end latency of requests completed in the window; null when none completed. */
  latencyP50: (number | null)[];
  latencyP99: (number | null)[];
  /** Histogram of end-to-end latency: bins [lower, upper) seconds with counts. */
  latencyHistogram: { lower: number; upper: number; count: number }[];
}

/** Everything a run produces. */
export interface RunOutput {
  result: RunResult;
  series: RunSeries;
}
