// What a finished (or partial) run amounts to: its result and its series, read from the model's
// counters and what the recorder kept.
import { type CounterSnapshot, snapshot, totalQueueLength } from "../metrics/counters.js";
import type { RunRecorder } from "../metrics/run-recorder.js";
import type { BuiltModel } from "./build.js";
import type { PhaseStats, RunResult, RunSeries } from "./run-result.js";

function offeredRate(model: BuiltModel, t: number): number {
  return model.generators.reduce((sum, g) => sum + g.plannedRate(t), 0);
}

function phaseLabel(model: BuiltModel, start: number, end: number): string {
  if (start >= model.settings.duration) return "drain";
  const a = offeredRate(model, start);
  const b = model.generators.reduce((sum, g) => sum + g.plannedRateJustBefore(end), 0);
  const fmt = (x: number) => String(Number(x.toFixed(3)));
  const rate = Math.abs(a - b) < 1e-9 ? `${fmt(a)} req/s` : `${fmt(a)}→${fmt(b)} req/s`;
  const active = [...model.triggers, ...model.interventions]
    .filter((c) => c.end > c.start && c.start < end && c.end > start)
    .map((c) => `${c.kind} ${c.target}`);
  return active.length > 0 ? `${rate} + ${active.join(", ")}` : rate;
}

/** The run's result: totals, phases, latency and per-component figures, from what the recorder kept. */
export function summarise(
  model: BuiltModel,
  recorder: RunRecorder,
  phaseStarts: number[],
  snapshots: readonly CounterSnapshot[],
  end: number,
  wallSeconds: number,
): RunResult {
  const { settings } = model;
  const totals = snapshot(model);
  const allPhases = phaseStarts.map((start, i) => {
    const phaseEnd = phaseStarts[i + 1] ?? end;
    return phaseStats(model, recorder, snapshots, i, start, phaseEnd);
  });
  // A run in progress has no drain phase until it reaches the end of the load.
  const hasDrain = settings.drain > 0 && phaseStarts[phaseStarts.length - 1]! >= settings.duration;
  const phases = hasDrain ? allPhases.slice(0, -1) : allPhases;
  const firstClient = model.clients[0];
  const latency = recorder.latency;
  return {
    scenario: settings.name,
    description: settings.description,
    seed: settings.seed,
    simulatedSeconds: settings.duration + settings.drain,
    wallSeconds,
    events: model.sim.events,
    components: model.components.map((c) => ({ name: c.name, type: c.type, settings: c.describe?.() ?? {} })),
    triggers: model.triggers,
    interventions: model.interventions,
    // Nominal: what the entry services could do when the run started (it changes: see series.capacity).
    capacityPerSec: recorder.capacity[0] ?? model.entryServices.reduce((sum, s) => sum + s.capacityPerSec, 0),
    baseRatePerSec: offeredRate(model, 0),
    timeout: firstClient ? firstClient.timeout : null,
    totals: {
      requests: totals.arrivals,
      attempts: totals.attempts,
      served: totals.served,
      completions: totals.completions,
      timeouts: totals.timeouts,
      retries: totals.retries,
      gaveUp: totals.gaveUp,
      wasted: totals.wasted,
      errors: totals.errors,
      inFlight: totals.inFlight,
      abandoned: totals.abandoned,
    },
    retryAmplification: totals.arrivals > 0 ? totals.attempts / totals.arrivals : 0,
    timeoutRate: totals.attempts > 0 ? totals.timeouts / totals.attempts : 0,
    finalQueueDepth: totalQueueLength(model),
    phases,
    drain: hasDrain ? allPhases[allPhases.length - 1]! : null,
    latency: {
      count: latency.count,
      mean: latency.mean,
      p50: latency.quantile(0.5),
      p90: latency.quantile(0.9),
      p99: latency.quantile(0.99),
      max: latency.max,
    },
    workers: model.workers.map((w, i) => {
      const k = w.work;
      return {
        name: w.name,
        type: (w as { type?: string }).type ?? "",
        finished: k.finished,
        served: k.served,
        wasted: k.wasted,
        busySeconds: k.busySeconds,
        wastedBusySeconds: k.wastedBusySeconds,
        errorBusySeconds: k.errorBusySeconds,
        utilisation: meanRatio(recorder.workerBusy[i]!, recorder.workerCount[i]!),
        queueMax: maxOf(recorder.queueLength[model.queues.indexOf(w)] ?? []),
        queueAtEnd: w.queueLength,
      };
    }),
    callers: model.callers.map((c) => {
      const k = c.calls;
      return {
        name: c.name,
        type: (c as { type?: string }).type ?? "",
        requests: k.requests,
        attempts: k.attempts,
        attemptsPerRequest: k.requests > 0 ? k.attempts / k.requests : 0,
        timeouts: k.timeouts,
        completions: k.completions,
        gaveUp: k.gaveUp,
      };
    }),
    loopGauges: model.loopStates.flatMap((c) =>
      c.loopGauges.map((g) => ({
        key: `${c.name}.${g.gauge}`,
        label: model.loopStates.length > 1 || c.loopGauges.length > 1 ? `${g.label} (${c.name})` : g.label,
        unit: g.unit,
        bad: g.bad,
        sustains: g.sustains ?? false,
      })),
    ),
    componentStats: Object.fromEntries(
      model.components.map((c) => [c.name, { ...(c.stats as Record<string, number>) }]),
    ),
    attemptsPerCompletion: [...recorder.attemptsPerCompletion.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([attempts, count]) => ({ attempts, count })),
  };
}

function phaseStats(
  model: BuiltModel,
  recorder: RunRecorder,
  snapshots: readonly CounterSnapshot[],
  i: number,
  start: number,
  end: number,
): PhaseStats {
  const a = snapshots[i]!;
  const b = snapshots[i + 1]!;
  const span = end - start;
  const rate = (key: keyof CounterSnapshot) => (span > 0 ? (b[key] - a[key]) / span : 0);
  let sum = 0;
  let n = 0;
  let max = 0;
  const times = recorder.probeTimes;
  // Probe times ascend: start at the phase's first probe instead of scanning the run once per phase.
  for (let k = firstAtOrAfter(times, start - 1e-9); k < times.length && times[k]! < end - 1e-9; k++) {
    const depth = recorder.totalQueue[k]!;
    sum += depth;
    n++;
    max = Math.max(max, depth);
  }
  const h = recorder.phaseLatency[i];
  return {
    label: phaseLabel(model, start, end),
    plannedPerSec:
      start >= model.settings.duration
        ? 0
        : Math.max(
            offeredRate(model, start),
            model.generators.reduce((sum, g) => sum + g.plannedRateJustBefore(end), 0),
          ),
    start,
    end,
    offeredPerSec: rate("arrivals"),
    throughputPerSec: rate("served"),
    goodputPerSec: rate("completions"),
    timeoutsPerSec: rate("timeouts"),
    retriesPerSec: rate("retries"),
    queueDepthMean: n > 0 ? sum / n : 0,
    queueDepthMax: max,
    latencyP50: h ? h.quantile(0.5) : null,
    latencyP99: h ? h.quantile(0.99) : null,
  };
}

/** The run's series, as the report, charts and verdict read them. */
export function seriesOf(model: BuiltModel, recorder: RunRecorder): RunSeries {
  const w = recorder.window;
  const counts = recorder.windowCounts;
  const end = model.settings.duration + model.settings.drain;
  return {
    probeInterval: recorder.probeInterval,
    probeTimes: recorder.probeTimes,
    queueDepth: Object.fromEntries(model.queues.map((q, i) => [q.name, recorder.queueLength[i]!])),
    totalQueue: recorder.totalQueue,
    utilisation: recorder.busy.map((b, k) => (recorder.workers[k]! > 0 ? b / recorder.workers[k]! : 0)),
    capacity: recorder.capacity,
    healthyShare: recorder.healthyShare,
    gauges: Object.fromEntries(recorder.gauges),
    window: w,
    windowStarts: counts.map((_, i) => i * w),
    ...windowSeries(counts, w, end),
    fastCompletions: Number.isNaN(recorder.objective)
      ? []
      : counts.map((_, i) => (recorder.windowFastCount[i] ?? 0) / windowSpan(i, w, end)),
    workers: Object.fromEntries(
      model.workers.map((wk, i) => [
        wk.name,
        {
          finished: recorder.workerFinished[i]!.map((n, j) => n / windowSpan(j, w, end)),
          wasted: recorder.workerWasted[i]!.map((n, j) => n / windowSpan(j, w, end)),
          utilisation: recorder.workerBusy[i]!.map((b, k) =>
            recorder.workerCount[i]![k]! > 0 ? b / recorder.workerCount[i]![k]! : 0,
          ),
        },
      ]),
    ),
    latencyMean: counts.map((_, i) => {
      const n = recorder.windowLatencyCount[i] ?? 0;
      return n > 0 ? recorder.windowLatencySum[i]! / n : null;
    }),
    latencyP50: recorder.windowLatencyP50,
    latencyP99: recorder.windowLatencyP99,
    latencyHistogram:
      recorder.full && recorder.latency.count > 0
        ? recorder.latency.rebin(0, Math.max(recorder.latency.max ?? 0, 1e-9) * 1.0001, 50)
        : [],
  };
}

/** The window counters' series: each count over its window's span, and the calls in flight at its end. */
export type WindowSeries = Pick<
  RunSeries,
  | "offered"
  | "throughput"
  | "goodput"
  | "timeouts"
  | "retries"
  | "attempts"
  | "wasted"
  | "errors"
  | "gaveUp"
  | "abandoned"
  | "inFlight"
  | "busy"
  | "wastedBusy"
  | "errorBusy"
>;

/**
 * Every window series in one pass, each field read by name: a reader per field name made each read
 * a megamorphic keyed load, several percent of a sweep trial's instructions.
 */
export function windowSeries(counts: readonly CounterSnapshot[], w: number, end: number): WindowSeries {
  const r: WindowSeries = {
    offered: [],
    throughput: [],
    goodput: [],
    timeouts: [],
    retries: [],
    attempts: [],
    wasted: [],
    errors: [],
    gaveUp: [],
    abandoned: [],
    inFlight: [],
    busy: [],
    wastedBusy: [],
    errorBusy: [],
  };
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    const span = windowSpan(i, w, end);
    r.offered.push(c.arrivals / span);
    r.throughput.push(c.served / span);
    r.goodput.push(c.completions / span);
    r.timeouts.push(c.timeouts / span);
    r.retries.push(c.retries / span);
    r.attempts.push(c.attempts / span);
    r.wasted.push(c.wasted / span);
    r.errors.push(c.errors / span);
    r.gaveUp.push(c.gaveUp / span);
    r.abandoned.push(c.abandoned / span);
    r.inFlight.push(c.inFlight);
    r.busy.push(c.busySeconds / span);
    r.wastedBusy.push(c.wastedBusySeconds / span);
    r.errorBusy.push(c.errorBusySeconds / span);
  }
  return r;
}

/** Index of the first of the ascending `xs` at or after `x` (xs.length if none). */
function firstAtOrAfter(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function meanRatio(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < a.length; k++) {
    if (b[k]! > 0) {
      sum += a[k]! / b[k]!;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

function maxOf(xs: readonly number[]): number {
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function windowSpan(i: number, w: number, end: number): number {
  return Math.min(w, end - i * w);
}
