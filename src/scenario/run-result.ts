import type { CounterSnapshot } from "../metrics/counters.js";
/**
 * Totals over the whole run: the model's counters at its end (see CounterSnapshot), with the
 * demand generated counted as `requests` and worker-seconds left out. Counts are of requests (a
 * user's call) and attempts (one try).
 */
export type RunTotals = {
  /** External requests created by the sources (and lease renewals due). */
  requests: number;
} & Omit<CounterSnapshot, "arrivals" | "busySeconds" | "wastedBusySeconds" | "errorBusySeconds">;

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
  /** Service capacity (requests/s) of what the sources' clients call, when the run started (series.capacity follows it). */
  capacityPerSec: number;
  /** Planned offered load at t = 0 (requests/s): the base load that triggers depart from. */
  baseRatePerSec: number;
  /** Per-attempt timeout of the first client, for charts; null without clients. */
  timeout: number | null;
  totals: RunTotals;
  /** attempts / requests. */
  retryAmplification: number;
  /** timeouts / attempts. */
  timeoutRate: number;
  /** Calls waiting when the run ended, summed over every component that holds a queue. */
  finalQueueDepth: number;
  /** Every component that does work (servers, databases, autoscaled instance groups): its totals. */
  workers: WorkerSummary[];
  /** Every component that makes calls (clients, services calling downstream): amplification per hop. */
  callers: CallerSummary[];
  /** Gauges the components name as loop state, keyed as in series.gauges (`db.latency`). */
  loopGauges: LoopGaugeSummary[];
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
  /** Calls waiting (not in service), per component that holds a queue: servers, databases, pools, instance groups. */
  queueDepth: Record<string, number[]>;
  /** Calls waiting, summed over the model, per probe. */
  totalQueue: number[];
  /** Share of all workers busy, per probe. */
  utilisation: number[];
  /** What the entry services can finish per second, per probe. */
  capacity: number[];
  /** Lowest share of healthy units over the lease fleets, per probe (empty without fleets). */
  healthyShare: number[];
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
  /** Error answers, requests given up, and attempts abandoned (another answer came first), per second. */
  errors: number[];
  gaveUp: number[];
  abandoned: number[];
  /** Requests in flight at the end of each window (a count, not a rate). */
  inFlight: number[];
  /** Worker-seconds per second spent in total, on unwanted answers, and on errors. */
  busy: number[];
  wastedBusy: number[];
  errorBusy: number[];
  /** Completions per second within the health rule's latency objective (empty without one). */
  fastCompletions: number[];
  /** Per component that does work: finished and wasted per second (per window), utilisation (per probe). */
  workers: Record<string, { finished: number[]; wasted: number[]; utilisation: number[] }>;
  /** Mean end-to-end latency of requests completed in the window; null when none completed. */
  latencyMean: (number | null)[];
  /** Median and 99th-percentile end-to-end latency of requests completed in the window; null when none completed. */
  latencyP50: (number | null)[];
  latencyP99: (number | null)[];
  /** Histogram of end-to-end latency: bins [lower, upper) seconds with counts. */
  latencyHistogram: { lower: number; upper: number; count: number }[];
}

/** A gauge a component names as the state of one of its feedback loops. */
export interface LoopGaugeSummary {
  /** `component.gauge`, as in series.gauges. */
  key: string;
  label: string;
  unit: string;
  bad: "high" | "low";
  /** Judged at the end of a run as a sign that the loop still runs. */
  sustains: boolean;
}

/** One component that does work, over the whole run. Seconds are worker-seconds. */
export interface WorkerSummary {
  name: string;
  type: string;
  /** Work items finished, errors included (throughput). */
  finished: number;
  served: number;
  wasted: number;
  busySeconds: number;
  wastedBusySeconds: number;
  errorBusySeconds: number;
  /** Mean share of its workers busy, over the probes. */
  utilisation: number;
  queueMax: number;
  queueAtEnd: number;
}

/** One component that makes calls, over the whole run: what it was asked and what it sent. */
export interface CallerSummary {
  name: string;
  type: string;
  /** Requests it was asked to make (from a source, or a service's calls to it). */
  requests: number;
  /** Attempts it sent (first tries, retries, hedges). */
  attempts: number;
  /** attempts / requests: the amplification this hop adds (0 without requests). */
  attemptsPerRequest: number;
  timeouts: number;
  completions: number;
  gaveUp: number;
}

/** Everything a run produces. */
export interface RunOutput {
  result: RunResult;
  series: RunSeries;
}
