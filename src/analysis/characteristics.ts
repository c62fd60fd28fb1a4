import type { RunOutput } from "../scenario/run-result.js";

/** One characteristic metric: a per-window series and how it behaved around the triggers. */
export interface CharacteristicMetric {
  name: string;
  unit: string;
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
}

/** Options of the envelope test. */
export interface EnvelopeOptions {
  /** Windows before this time are warm-up and do not shape the envelope. Default: 5 s. */
  warmup?: number;
  /** Envelope = pre-trigger [min, max] widened by this fraction of its span, plus `slack`. Default: 0.25. */
  widen?: number;
}

/** Builds the per-window series of the characteristic metrics the seeds name as loop-state observables. */
export function characteristicSeries(
  output: RunOutput,
): { name: string; unit: string; values: (number | null)[] }[] {
  const s = output.series;
  // Window starts and probe times both ascend, so one pass over the probes serves every window.
  const perWindow = (values: number[], probeTimes: number[], reduce: "mean" | "min") => {
    let first = 0;
    return s.windowStarts.map((t0) => {
      while (first < probeTimes.length && probeTimes[first]! < t0 - 1e-9) first++;
      let acc = reduce === "min" ? Number.POSITIVE_INFINITY : 0;
      let n = 0;
      for (let k = first; k < probeTimes.length && probeTimes[k]! < t0 + s.window - 1e-9; k++) {
        if (Number.isNaN(values[k]!)) continue;
        acc = reduce === "min" ? Math.min(acc, values[k]!) : acc + values[k]!;
        n++;
      }
      return n === 0 ? null : reduce === "min" ? acc : acc / n;
    });
  };
  const depth = s.probeTimes.map((_, k) =>
    Object.values(s.queueDepth).reduce((sum, q) => sum + (q[k] ?? 0), 0),
  );
  const ratio = (a: number[], b: number[]) => a.map((x, i) => (b[i]! > 0 ? x / b[i]! : null));
  const attempts = s.attempts;
  const capacity = output.result.capacityPerSec;
  const out = [
    { name: "queueDepth", unit: "calls", values: perWindow(depth, s.probeTimes, "mean") },
    {
      // CoDel's signal: if the queue never drained within a window, the backlog is standing, not a burst.
      name: "minQueueDelay",
      unit: "s",
      values: perWindow(depth, s.probeTimes, "min").map((d) =>
        d === null || !(capacity > 0) ? null : d / capacity,
      ),
    },
    { name: "retryRate", unit: "1/s", values: s.retries.slice() },
    { name: "retryAmplification", unit: "x", values: ratio(attempts, s.offered) },
    { name: "timeoutRate", unit: "fraction", values: ratio(s.timeouts, attempts) },
  ];
  out.push({ name: "wastedFraction", unit: "fraction", values: ratio(s.wasted, s.throughput) });
  // Component gauges that observe a loop's state directly (cache hit rate, database latency, ...).
  for (const [key, values] of Object.entries(s.gauges)) {
    if (/\.(hitRate|latency|renewalLatency|instances|healthyBackends)$/.test(key)) {
      out.push({ name: key, unit: "", values: perWindow(values, s.probeTimes, "mean") });
    }
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
  const starts = output.series.windowStarts;
  return characteristicSeries(output).map(({ name, unit, values }) => {
    const before = values.filter(
      (v, i): v is number =>
        v !== null &&
        starts[i]! >= Math.min(warmup, triggerStart / 2) &&
        starts[i]! + output.series.window <= triggerStart,
    );
    let envelope: [number, number] | null = null;
    if (before.length >= 3) {
      const lo = Math.min(...before);
      const hi = Math.max(...before);
      // Widen by a share of the span and of the level, so a flat pre-trigger series still tolerates noise.
      const pad = widen * (hi - lo) + 0.1 * Math.abs(hi) + 1e-9;
      envelope = [lo - pad, hi + pad];
    }
    const outside = (v: number | null) =>
      envelope !== null && v !== null && (v < envelope[0] || v > envelope[1]);
    const idx = values.map((_, i) => i).filter((i) => starts[i]! >= triggerStart && starts[i]! < loadEnd);
    const firstOut = idx.find((i) => outside(values[i]!));
    let backAt: number | null = null;
    if (firstOut !== undefined) {
      let lastOut = firstOut;
      for (const i of idx) if (outside(values[i]!)) lastOut = i;
      const next = idx.find((i) => i > lastOut);
      backAt = next === undefined ? null : starts[next]!;
    }
    const lastIdx = idx[idx.length - 1];
    return {
      name,
      unit,
      values,
      envelope,
      leftAt: firstOut === undefined ? null : starts[firstOut]!,
      backAt,
      outAtEnd: lastIdx !== undefined && outside(values[lastIdx]!),
    };
  });
}
