import type { RunOutput, RunSeries } from "../../src/scenario/run-result.js";
import type { LiveMetric } from "./protocol.js";

// A chart a few hundred pixels wide shows at most a thousand or so points; a long run has hundreds
// of thousands of probes and windows. Sending and drawing them all would stall the page, so the
// worker sends a coarser copy for display. The verdict and statistics use the full series.

/** Most points per series the page is sent. */
export const MAX_POINTS = 1000;

type Reduce = (block: number[]) => number;
const max: Reduce = (b) => (b.length === 0 ? Number.NaN : Math.max(...b));
const mean: Reduce = (b) => (b.length === 0 ? Number.NaN : b.reduce((x, y) => x + y, 0) / b.length);

function blocks<T>(values: readonly T[], k: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += k) out.push(values.slice(i, i + k));
  return out;
}

/** Reduces each block of k values to one; NaN (a gauge not yet present) and null are skipped. */
function reduce(values: readonly number[], k: number, f: Reduce): number[] {
  return blocks(values, k).map((b) => f(b.filter((v) => !Number.isNaN(v))));
}

function reduceNullable(values: readonly (number | null)[], k: number, f: Reduce): (number | null)[] {
  return blocks(values, k).map((b) => {
    const present = b.filter((v): v is number => v !== null);
    return present.length === 0 ? null : f(present);
  });
}

/** Blocks of probes and windows merged until no series has more than MAX_POINTS points. */
export function coarsenSeries(
  s: RunSeries,
  maxPoints = MAX_POINTS,
): { series: RunSeries; windowsPerPoint: number } {
  const kp = Math.max(1, Math.ceil(s.probeTimes.length / maxPoints));
  const kw = Math.max(1, Math.ceil(s.windowStarts.length / maxPoints));
  if (kp === 1 && kw === 1) return { series: s, windowsPerPoint: 1 };
  const byProbe = (rec: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, reduce(v, kp, max)]));
  const rate = (v: number[]) => reduce(v, kw, mean);
  return {
    windowsPerPoint: kw,
    series: {
      ...s,
      // Queues and gauges keep each block's peak: a spike must not vanish from the chart.
      probeInterval: s.probeInterval * kp,
      probeTimes: blocks(s.probeTimes, kp).map((b) => b[0]!),
      queueDepth: byProbe(s.queueDepth),
      gauges: byProbe(s.gauges),
      window: s.window * kw,
      windowStarts: blocks(s.windowStarts, kw).map((b) => b[0]!),
      offered: rate(s.offered),
      throughput: rate(s.throughput),
      goodput: rate(s.goodput),
      timeouts: rate(s.timeouts),
      retries: rate(s.retries),
      attempts: rate(s.attempts),
      wasted: rate(s.wasted),
      latencyMean: reduceNullable(s.latencyMean, kw, mean),
      latencyP50: reduceNullable(s.latencyP50, kw, mean),
      latencyP99: reduceNullable(s.latencyP99, kw, max),
    },
  };
}

/** The output and metrics as the page draws them. */
export function forDisplay(
  output: RunOutput,
  metrics: LiveMetric[] | null,
  maxPoints = MAX_POINTS,
): { output: RunOutput; metrics: LiveMetric[] | null } {
  const { series, windowsPerPoint } = coarsenSeries(output.series, maxPoints);
  if (windowsPerPoint === 1 && series === output.series) return { output, metrics };
  const coarse =
    metrics?.map((m) => ({ ...m, values: reduceNullable(m.values, windowsPerPoint, mean) })) ?? null;
  return { output: { ...output, series }, metrics: coarse };
}
