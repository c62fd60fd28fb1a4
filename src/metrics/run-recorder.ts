import type { Handler, Simulation } from "../engine/simulation.js";
import type { Component } from "../model/component.js";
import type { ShowsLoopState } from "../model/roles.js";
import { type CounterSnapshot, type ObservedModel, snapshot, totalQueueLength } from "./counters.js";
import { Histogram } from "./histogram.js";

/** Where and how often a run is observed. Seconds. */
export interface RecorderOptions {
  /** Gauges (queue length) are sampled every this many seconds. Default: 0.1. */
  probeInterval?: number;
  /** Rates are counted over consecutive windows of this length. Default: 1. */
  window?: number;
  /** Phase boundaries, ascending, from 0; the last phase runs to `end`. */
  phaseStarts: readonly number[];
  /** End of the observed run (duration plus drain). */
  end: number;
  /** Completions at most this slow are counted per window (a latency objective, seconds). Default: none. */
  latencyObjective?: number;
  /** The system's capacity now (req/s): what the entry services can finish. Default: 0. */
  capacity?: () => number;
  /**
   * What to keep. `full`: everything the summary, charts and CSV show. `verdict`: only what the
   * verdict and a trial read (the window counters, the calls waiting, capacity, healthy share, the
   * loop-state gauges and the overall latency), for the thousands of runs of a sweep; per-component
   * series, window and phase latency quantiles and the other gauges are left empty. `health`: only
   * what the health rule reads (a control run): the window counters, the healthy share, and the
   * calls waiting at the last probe of each window (NaN at the probes in between, which are not
   * taken). Default: `full`.
   */
  detail?: RecorderDetail;
}

/** How much a {@link RunRecorder} keeps; see {@link RecorderOptions.detail}. */
export type RecorderDetail = "full" | "verdict" | "health";

const PROBE = 0;
const WINDOW = 1;
const PHASE = 2;
// Schedules the next sparse probe from the probe time just before it, as the full grid would.
const BEFORE_PROBE = 3;

/**
 * Observes a running model on fixed simulated-time grids: gauges every probe interval, counter
 * deltas every window, snapshots at phase boundaries, and latencies into streaming histograms.
 * Memory grows with simulated time (grid points), never with the number of requests.
 */
export class RunRecorder implements Handler {
  readonly probeInterval: number;
  readonly window: number;
  readonly probeTimes: number[] = [];
  /** Calls waiting, per component that holds a queue (databases and pools included). */
  readonly queueLength: number[][];
  /** Calls waiting, summed over the model. */
  readonly totalQueue: number[] = [];
  /** Calls in service and workers, summed over everything that does work: utilisation = busy / workers. */
  readonly busy: number[] = [];
  readonly workers: number[] = [];
  /** The system's capacity (req/s) at each probe: it changes with pauses, slowdowns, health checks and scaling. */
  readonly capacity: number[] = [];
  /** Lowest share of healthy units over the demand holders (hosts holding a lease); empty without any. */
  readonly healthyShare: number[] = [];
  /** Per worker (in model.workers order): work items finished and wasted per window. */
  readonly workerFinished: number[][];
  readonly workerWasted: number[][];
  /** Per worker, per probe: calls in service and workers. */
  readonly workerBusy: number[][];
  readonly workerCount: number[][];
  private lastWorker: { finished: number; wasted: number }[];
  /** Every component gauge, keyed `component.gauge`, sampled with the probes. */
  readonly gauges = new Map<string, number[]>();
  /** The same series by component index, then gauge name. */
  private readonly componentGauges: Map<string, number[]>[] = [];
  readonly windowCounts: CounterSnapshot[] = [];
  readonly windowLatencySum: number[] = [];
  readonly windowLatencyCount: number[] = [];
  /** Completions within the latency objective, per window (empty without an objective). */
  readonly windowFastCount: number[] = [];
  /** Median and 99th percentile latency of each closed window; null when nothing completed in it. */
  readonly windowLatencyP50: (number | null)[] = [];
  readonly windowLatencyP99: (number | null)[] = [];
  readonly phaseSnapshots: CounterSnapshot[] = [];
  readonly phaseLatency: Histogram[];
  readonly latency = new Histogram();
  // The current window's latencies (the full record only); reset, not reallocated, when the window closes.
  private readonly windowLatency: Histogram | null;
  readonly attemptsPerCompletion = new Map<number, number>();
  /** Whether everything is kept (see RecorderOptions.detail). */
  readonly full: boolean;
  /** The components whose gauges are sampled: all of them, only those naming loop-state gauges, or none. */
  private readonly gauged: readonly (Component & Partial<ShowsLoopState>)[];
  /** Only the probes the health rule reads are taken (see RecorderOptions.detail). */
  private readonly sparse: boolean;
  /** Index of the last probe of the grid, and the next window whose last probe is still to come (sparse). */
  private readonly lastProbe: number;
  private sparseWindow = 0;
  private probeIndex = 0;
  private windowIndex = 0;
  private lastWindowSnapshot: CounterSnapshot;
  private phaseIndex = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly model: ObservedModel,
    readonly options: RecorderOptions,
  ) {
    this.probeInterval = options.probeInterval ?? 0.1;
    this.window = options.window ?? 1;
    this.full = (options.detail ?? "full") === "full";
    const detail = options.detail ?? "full";
    // A lean record samples only the gauges the verdict reads: those named as loop state.
    this.gauged =
      detail === "full"
        ? model.components
        : detail === "verdict"
          ? model.loopStates.filter((c) => c.loopGauges.length > 0)
          : [];
    // A healthy share is a mean over every probe: with lease fleets, every probe is taken.
    this.sparse = detail === "health" && model.demandHolders.length === 0;
    let last = 0;
    while ((last + 1) * this.probeInterval <= options.end + 1e-9) last++;
    this.lastProbe = last;
    this.windowLatency = this.full ? new Histogram() : null;
    this.queueLength = model.queues.map(() => []);
    this.workerFinished = model.workers.map(() => []);
    this.workerWasted = model.workers.map(() => []);
    this.workerBusy = model.workers.map(() => []);
    this.workerCount = model.workers.map(() => []);
    this.lastWorker = model.workers.map((w) => ({ finished: w.work.finished, wasted: w.work.wasted }));
    // A histogram is a few tens of kilobytes: a lean run keeps only the overall one.
    this.phaseLatency = this.full ? options.phaseStarts.map(() => new Histogram()) : [];
    this.lastWindowSnapshot = snapshot(model);
    this.objective = options.latencyObjective ?? Number.NaN;
    this.capacityNow = options.capacity ?? (() => 0);
    // Latency is that of the demand: the step requests of a lease fleet are not its requests.
    for (const caller of model.entryCallers) {
      if (!model.stepCallers.has(caller))
        caller.onCompletion((latency, attempts) => this.completed(latency, attempts));
    }
  }

  /** The latency objective counted per window (NaN: none). */
  readonly objective: number;
  private readonly capacityNow: () => number;

  /** Schedules the first probe, window and phase events; call before the sources start. */
  start(): void {
    this.sim.scheduleAt(0, this, PROBE);
    this.sim.scheduleAt(Math.min(this.window, this.options.end), this, WINDOW);
    this.phaseSnapshots.push(snapshot(this.model));
    const next = this.options.phaseStarts[1];
    if (next !== undefined) this.sim.scheduleAt(next, this, PHASE);
  }

  handleEvent(kind: number): void {
    if (kind === PROBE) this.probe();
    else if (kind === WINDOW) this.closeWindow();
    else if (kind === PHASE) this.closePhase();
    else this.sim.scheduleAt(this.probeIndex * this.probeInterval, this, PROBE);
  }

  /** Closes the last (possibly partial) window and phase; call once the run has reached `end`. */
  finish(): void {
    const lastStart = this.windowIndex * this.window;
    if (lastStart < this.options.end - 1e-9) this.closeWindow();
    while (this.phaseSnapshots.length <= this.options.phaseStarts.length)
      this.phaseSnapshots.push(snapshot(this.model));
  }

  private completed(latency: number, attempts: number): void {
    this.latency.record(latency);
    const w = this.windowIndex;
    if (latency <= this.objective) this.windowFastCount[w] = (this.windowFastCount[w] ?? 0) + 1;
    if (!this.full) return;
    this.windowLatencySum[w] = (this.windowLatencySum[w] ?? 0) + latency;
    this.windowLatencyCount[w] = (this.windowLatencyCount[w] ?? 0) + 1;
    this.windowLatency!.record(latency);
    this.phaseLatency[this.phaseIndex]!.record(latency);
    this.attemptsPerCompletion.set(attempts, (this.attemptsPerCompletion.get(attempts) ?? 0) + 1);
  }

  private probe(): void {
    if (this.sparse) {
      this.sparseProbe();
      return;
    }
    this.probeTimes.push(this.sim.now);
    this.totalQueue.push(totalQueueLength(this.model));
    this.capacity.push(this.capacityNow());
    if (this.model.demandHolders.length > 0) {
      let share = 1;
      for (const d of this.model.demandHolders) share = Math.min(share, d.healthyShare);
      this.healthyShare.push(share);
    }
    if (this.full) this.probeComponents();
    this.probeGauges();
    // Times come from the index, not by adding intervals, so the grid does not drift.
    const next = ++this.probeIndex * this.probeInterval;
    if (next <= this.options.end + 1e-9) this.sim.scheduleAt(next, this, PROBE);
  }

  /**
   * The health record's probe: the calls waiting, at the grid index the health rule reads for a
   * window (its last probe, see judgeWindows) and at the end; the probes in between are not taken.
   */
  private sparseProbe(): void {
    const k = this.probeIndex;
    while (this.totalQueue.length < k) {
      this.probeTimes.push(Number.NaN);
      this.totalQueue.push(Number.NaN);
    }
    this.probeTimes.push(this.sim.now);
    this.totalQueue.push(totalQueueLength(this.model));
    const perWindow = this.window / this.probeInterval;
    let next = Math.round((this.sparseWindow + 1) * perWindow) - 1;
    while (next <= k) next = Math.round((++this.sparseWindow + 1) * perWindow) - 1;
    next = Math.min(next, this.lastProbe);
    if (next <= k) return;
    this.probeIndex = next;
    // The probe is scheduled from the grid time just before it, as a full record's would be, so
    // it runs in the same order among events due at the same instant.
    if (next - 1 > k) this.sim.scheduleAt((next - 1) * this.probeInterval, this, BEFORE_PROBE);
    else this.sim.scheduleAt(next * this.probeInterval, this, PROBE);
  }

  /** Per-component queues and busy workers, and their sums (the full record only). */
  private probeComponents(): void {
    const queues = this.model.queues;
    for (let i = 0; i < queues.length; i++) this.queueLength[i]!.push(queues[i]!.queueLength);
    let busy = 0;
    let workers = 0;
    const ws = this.model.workers;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      const inFlight = w.inFlight;
      const n = w.workers;
      this.workerBusy[i]!.push(inFlight);
      this.workerCount[i]!.push(n);
      busy += inFlight;
      workers += n;
    }
    this.busy.push(busy);
    this.workers.push(workers);
  }

  /** Every component's gauges (the full record), or only the loop-state components' (lean). */
  private probeGauges(): void {
    const k = this.probeTimes.length - 1;
    // Series are looked up per component by gauge name: building "component.gauge" keys and
    // entry arrays on every probe was most of a short run's cost.
    const gauged = this.gauged;
    for (let i = 0; i < gauged.length; i++) {
      const c = gauged[i]!;
      if (!c.gauges) continue;
      const values = c.gauges();
      let own = this.componentGauges[i];
      if (!own) {
        own = new Map();
        this.componentGauges[i] = own;
      }
      if (!this.full) {
        for (const g of c.loopGauges!)
          if (g.gauge in values) this.sample(c, own, g.gauge, values[g.gauge]!, k);
        continue;
      }
      for (const name in values) this.sample(c, own, name, values[name]!, k);
    }
  }

  /** Appends `value`, gauge `name` of `c` at probe `k`, to its series. */
  private sample(c: Component, own: Map<string, number[]>, name: string, value: number, k: number): void {
    let series = own.get(name);
    if (!series) {
      // A gauge that appears late is padded so every series lines up with probeTimes.
      series = new Array<number>(k).fill(Number.NaN);
      own.set(name, series);
      this.gauges.set(`${c.name}.${name}`, series);
    }
    series.push(value);
  }

  private closeWindow(): void {
    const now = snapshot(this.model);
    const prev = this.lastWindowSnapshot;
    this.windowCounts.push(windowDelta(now, prev));
    if (this.full) {
      this.model.workers.forEach((w, i) => {
        const last = this.lastWorker[i]!;
        this.workerFinished[i]!.push(w.work.finished - last.finished);
        this.workerWasted[i]!.push(w.work.wasted - last.wasted);
        last.finished = w.work.finished;
        last.wasted = w.work.wasted;
      });
      const h = this.windowLatency!;
      this.windowLatencyP50.push(h.quantile(0.5));
      this.windowLatencyP99.push(h.quantile(0.99));
      h.reset();
    }
    this.lastWindowSnapshot = now;
    this.windowIndex++;
    const next = Math.min((this.windowIndex + 1) * this.window, this.options.end);
    if (next > this.sim.now && this.windowIndex * this.window < this.options.end - 1e-9) {
      this.sim.scheduleAt(next, this, WINDOW);
    }
  }

  private closePhase(): void {
    this.phaseSnapshots.push(snapshot(this.model));
    this.phaseIndex++;
    const next = this.options.phaseStarts[this.phaseIndex + 1];
    if (next !== undefined) this.sim.scheduleAt(next, this, PHASE);
  }
}

/**
 * What happened between two snapshots; `inFlight` is a level, so it is the later one's. Each field
 * is named: a loop over the field names made every read a megamorphic keyed load, several percent
 * of a sweep trial's instructions.
 */
function windowDelta(now: CounterSnapshot, prev: CounterSnapshot): CounterSnapshot {
  return {
    arrivals: now.arrivals - prev.arrivals,
    attempts: now.attempts - prev.attempts,
    served: now.served - prev.served,
    completions: now.completions - prev.completions,
    timeouts: now.timeouts - prev.timeouts,
    retries: now.retries - prev.retries,
    gaveUp: now.gaveUp - prev.gaveUp,
    wasted: now.wasted - prev.wasted,
    errors: now.errors - prev.errors,
    inFlight: now.inFlight,
    abandoned: now.abandoned - prev.abandoned,
    busySeconds: now.busySeconds - prev.busySeconds,
    wastedBusySeconds: now.wastedBusySeconds - prev.wastedBusySeconds,
    errorBusySeconds: now.errorBusySeconds - prev.errorBusySeconds,
  };
}
