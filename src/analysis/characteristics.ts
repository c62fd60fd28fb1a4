import type { RunOutput } from "../scenario/run-result.js";

/** One characteristic metric: a per-window series and how it behaved around the triggers. */
export interface CharacteristicMetric {
  /** Stable code name (`timeoutRate`, `db.latency`). */
  name: string;
  /** Human name ("share of attempts timing out", "database response time"). */
  label: string;
  unit: string;
  /** Which way is bad. */
  bad: "high" | "low";
  /** Per-window values aligned with series.windowStarts (null where undefined, e.g. no attempts). */
  values: (number | null)[];
  /** Range it kept before the first trigger: [low, high]; null when there is no pre-trigger period. */
  envelope: [number, number] | null;
  /** First window start at or after the first trigger where it was outside the envelope. */
  leftAt: number | null;
  /** Start of the final stretch back inside the envelope (it stayed inside until the end); null if it never came back. */
  backAt: number | null;
  /** Outside the envelope at the end of the load period. */
  outAtEnd: boolean;
  /**
   * Its mean over the final stretch of the load period shows a feedback loop still running: past
   * its envelope on the bad side, and past a floor no healthy system reaches (see LOOP_FLOORS).
   */
  loopAtEnd: boolean;
}

/** Options of the envelope test. */
export interface EnvelopeOptions {
  /** Windows before this time are warm-up and do not shape the envelope. Default: 5 s. */
  warmup?: number;
  /** Envelope = pre-trigger [min, max] widened by this fraction of its span, plus a tenth of its level. Default: 0.25. */
  widen?: number;
  /** Length of the final stretch judged for `loopAtEnd`, seconds. Default: 10. */
  span?: number;
}

interface SeriesSpec {
  name: string;
  label: string;
  unit: string;
  bad: "high" | "low";
  /** Judged at the end as a sign that the loop still runs. */
  sustains: boolean;
  values: (number | null)[];
  /** For a ratio, its numerator and denominator per window: the final stretch is judged on their sums. */
  parts?: { num: readonly number[]; den: readonly number[] };
  /** Events per second behind the metric: the final stretch must hold MIN_EVIDENCE of them to show a loop. */
  evidence?: readonly number[];
}

/** Fewest events (timeouts, retries, wasted answers) in the final stretch that can show a loop: fewer is noise. */
const MIN_EVIDENCE = 20;

/**
 * Below these a metric does not show a loop at work, whatever its envelope (a healthy system can
 * time out 1% of attempts and waste a little work). Relative to the run: retries against the base
 * load, a standing queue against the shortest client timeout.
 */
const LOOP_FLOORS = {
  timeoutRate: 0.05,
  wastedFraction: 0.05,
  retryShareOfLoad: 0.05,
  standingQueueShareOfTimeout: 0.25,
} as const;

/** Builds the per-window series of the characteristic metrics the seeds name as loop-state observables. */
export function characteristicSeries(output: RunOutput): SeriesSpec[] {
  const s = output.series;
  const r = output.result;
  // Window starts and probe times both ascend, so one pass over the probes serves every window.
  const perWindow = (values: readonly number[], reduce: "mean" | "min") => {
    const probeTimes = s.probeTimes;
    let first = 0;
    return s.windowStarts.map((t0) => {
      while (first < probeTimes.length && probeTimes[first]! < t0 - 1e-9) first++;
      let acc = reduce === "min" ? Number.POSITIVE_INFINITY : 0;
      let n = 0;
      for (let k = first; k < probeTimes.length && probeTimes[k]! < t0 + s.window - 1e-9; k++) {
        const v = values[k]!;
        if (Number.isNaN(v)) continue;
        acc = reduce === "min" ? Math.min(acc, v) : acc + v;
        n++;
      }
      return n === 0 ? null : reduce === "min" ? acc : acc / n;
    });
  };
  const ratio = (a: readonly number[], b: readonly number[]) =>
    a.map((x, i) => (b[i]! > 0 ? x / b[i]! : null));
  // The standing queue in seconds: the smallest backlog of the window over the capacity at that moment.
  const delay = s.totalQueue.map((q, k) => {
    const c = s.capacity[k] ?? r.capacityPerSec;
    return c > 0 ? q / c : q > 0 ? Number.POSITIVE_INFINITY : 0;
  });
  const wasteOrError = s.busy.map((_, i) => s.wastedBusy[i]! + s.errorBusy[i]!);
  const out: SeriesSpec[] = [
    {
      name: "queueDepth",
      label: "calls waiting",
      unit: "calls",
      bad: "high",
      sustains: false,
      values: perWindow(s.totalQueue, "mean"),
    },
    {
      // CoDel's signal: if the queue never drained within a window, the backlog is standing, not a burst.
      name: "minQueueDelay",
      label: "standing queue delay",
      unit: "s",
      bad: "high",
      sustains: true,
      // A backlog in front of no capacity (a pause) has no finite delay: left undefined.
      values: perWindow(delay, "min").map((d) => (d !== null && Number.isFinite(d) ? d : null)),
    },
    {
      name: "retryRate",
      label: "retries per second",
      unit: "1/s",
      bad: "high",
      sustains: true,
      values: s.retries.slice(),
      evidence: s.retries,
    },
    {
      name: "retryAmplification",
      label: "attempts per request",
      unit: "x",
      bad: "high",
      sustains: false,
      values: ratio(s.attempts, s.offered),
    },
    {
      name: "timeoutRate",
      label: "share of attempts timing out",
      unit: "fraction",
      bad: "high",
      sustains: true,
      values: ratio(s.timeouts, s.attempts).map((v) => (v === null ? null : Math.min(1, v))),
      parts: { num: s.timeouts, den: s.attempts },
      evidence: s.timeouts,
    },
    {
      name: "wastedFraction",
      label: "share of work wasted or failed",
      unit: "fraction",
      bad: "high",
      sustains: true,
      values: ratio(wasteOrError, s.busy).map((v) => (v === null ? null : Math.min(1, v))),
      parts: { num: wasteOrError, den: s.busy },
      evidence: s.wasted.map((x, i) => x + s.errors[i]!),
    },
  ];
  // Gauges the components themselves name as loop state (cache hit rate, database response time, ...).
  for (const g of r.loopGauges) {
    const values = s.gauges[g.key];
    if (!values) continue;
    out.push({
      name: g.key,
      label: g.label,
      unit: g.unit,
      bad: g.bad,
      sustains: g.sustains,
      values: perWindow(values, "mean"),
    });
  }
  return out;
}

/** Measures each characteristic metric against its pre-trigger envelope. */
export function characteristicMetrics(
  output: RunOutput,
  triggerStart: number,
  loadEnd: number,
  options: EnvelopeOptions = {},
): CharacteristicMetric[] {
  const warmup = options.warmup ?? 5;
  const widen = options.widen ?? 0.25;
  const span = options.span ?? 10;
  const starts = output.series.windowStarts;
  const w = output.series.window;
  const r = output.result;
  return characteristicSeries(output).map(({ name, label, unit, bad, sustains, values, parts, evidence }) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      if (starts[i]! < Math.min(warmup, triggerStart / 2) || starts[i]! + w > triggerStart) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      n++;
    }
    let envelope: [number, number] | null = null;
    if (n >= 3) {
      // Widen by a share of the span and of the level, so a flat pre-trigger series still tolerates noise.
      const pad = widen * (hi - lo) + 0.1 * Math.abs(hi) + 1e-9;
      envelope = [lo - pad, hi + pad];
    }
    const outside = (v: number | null | undefined) =>
      envelope !== null && v !== null && v !== undefined && (v < envelope[0] || v > envelope[1]);
    let firstOut: number | undefined;
    let lastOut: number | undefined;
    let lastIdx: number | undefined;
    for (let i = 0; i < values.length; i++) {
      if (starts[i]! < triggerStart || starts[i]! >= loadEnd) continue;
      lastIdx = i;
      if (outside(values[i])) {
        firstOut ??= i;
        lastOut = i;
      }
    }
    let backAt: number | null = null;
    if (lastOut !== undefined && lastIdx !== undefined && lastOut < lastIdx) backAt = starts[lastOut + 1]!;
    // The final stretch: its mean (a ratio: of its sums, so a quiet window's 1 of 1 weighs little),
    // past the envelope on the bad side and past the floor.
    let sum = 0;
    let m = 0;
    let events = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (starts[i]! < loadEnd - span - 1e-9 || starts[i]! >= loadEnd) continue;
      if (evidence) events += evidence[i]! * Math.min(w, loadEnd - starts[i]!);
      if (v === null || v === undefined) continue;
      sum += parts ? parts.num[i]! : v;
      m += parts ? parts.den[i]! : 1;
    }
    const tail = m > 0 && (!evidence || events >= MIN_EVIDENCE) ? sum / m : null;
    const loopAtEnd =
      sustains &&
      tail !== null &&
      (bad === "high"
        ? tail > (envelope?.[1] ?? Number.NEGATIVE_INFINITY) &&
          tail > floorOf(name, r.baseRatePerSec, r.timeout)
        : envelope !== null && tail < envelope[0] && tail < 0.7 * (envelope[0] + envelope[1]) * 0.5);
    return {
      name,
      label,
      unit,
      bad,
      values,
      envelope,
      leftAt: firstOut === undefined ? null : starts[firstOut]!,
      backAt,
      outAtEnd: lastIdx !== undefined && outside(values[lastIdx]),
      loopAtEnd,
    };
  });
}

function floorOf(name: string, baseRate: number, timeout: number | null): number {
  switch (name) {
    case "timeoutRate":
      return LOOP_FLOORS.timeoutRate;
    case "wastedFraction":
      return LOOP_FLOORS.wastedFraction;
    case "retryRate":
      return LOOP_FLOORS.retryShareOfLoad * baseRate;
    case "minQueueDelay":
      return LOOP_FLOORS.standingQueueShareOfTimeout * (timeout ?? 0);
    default:
      return 0;
  }
}
