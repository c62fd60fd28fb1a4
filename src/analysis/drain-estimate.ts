import type { RunSeries } from "../scenario/run-result.js";

/**
 * Seconds to empty the backlog, from the trend of the calls waiting at the end of the load period
 * (`loadEnd`; null: not clearly shrinking). The trend, not throughput minus attempts: in a model
 * with several tiers or a pool's handshakes, work done and attempts sent are not the same calls.
 *
 * Shrinking means either of: over the last 20 s, by at least a twentieth of its level; or, over
 * the second half of the stretch since the triggers ended (at least those 20 s), a mean step
 * between probes more than 2.5 standard errors below zero (a level queue does that about once in
 * 160 runs; it then reads as inconclusive, never as recovered). A queue moves like a random walk, so its
 * steps, not its levels, are the independent samples; the second test catches a long backlog
 * draining slowly (hundreds of calls falling by one or two a second), which the first misses and
 * which would otherwise read as stuck, while a queue standing at a stuck level passes neither.
 */
export function drainEstimate(s: RunSeries, triggersEnded: number, loadEnd: number): number | null {
  const last20 = trendOf(s.probeTimes, s.totalQueue, loadEnd - 20, loadEnd);
  if (last20 === null || last20.last <= 0) return null;
  if (last20.slope < 0 && -last20.slope * 20 >= 0.05 * last20.mean) return last20.last / -last20.slope;
  const from = Math.min(loadEnd - 20, (triggersEnded + loadEnd) / 2);
  const steps = stepsOf(s.probeTimes, s.totalQueue, from, loadEnd);
  if (steps === null || !(steps.mean < -2.5 * steps.standardError)) return null;
  return last20.last / (-steps.mean / steps.interval);
}

/** Least-squares slope of `q` against `t` over [from, to], with the mean and the last value. */
function trendOf(
  times: readonly number[],
  q: readonly number[],
  from: number,
  to: number,
): { slope: number; mean: number; last: number } | null {
  let n = 0;
  let st = 0;
  let sq = 0;
  let stt = 0;
  let stq = 0;
  let last = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    if (t < from - 1e-9 || t > to + 1e-9) continue;
    const v = q[k]!;
    n++;
    st += t;
    sq += v;
    stt += t * t;
    stq += t * v;
    last = v;
  }
  if (n < 3) return null;
  return { slope: (n * stq - st * sq) / (n * stt - st * st), mean: sq / n, last };
}

/** Mean and standard error of the steps of `q` between consecutive probes in [from, to], and the probe interval. */
function stepsOf(
  times: readonly number[],
  q: readonly number[],
  from: number,
  to: number,
): { mean: number; standardError: number; interval: number } | null {
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  let first = Number.NaN;
  let lastT = Number.NaN;
  for (let k = 1; k < times.length; k++) {
    const t0 = times[k - 1]!;
    const t = times[k]!;
    if (t0 < from - 1e-9 || t > to + 1e-9 || Number.isNaN(q[k]!) || Number.isNaN(q[k - 1]!)) continue;
    const d = q[k]! - q[k - 1]!;
    if (n === 0) first = t0;
    lastT = t;
    n++;
    sum += d;
    sum2 += d * d;
  }
  if (n < 10) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sum2 - n * mean * mean) / (n - 1));
  return { mean, standardError: Math.sqrt(variance / n), interval: (lastT - first) / n };
}
