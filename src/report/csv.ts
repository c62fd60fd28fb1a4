import type { RunSeries } from "../scenario/run-result.js";

// Rows end with "\n" (not RFC 4180's CRLF) so the files diff cleanly in git; every spreadsheet and
// CSV reader accepts both. Fields are quoted the RFC 4180 way.

/**
 * Formats a number with 6 significant digits, never dropping integer digits, without float noise
 * (0.30000000000000004 -> "0.3") and without exponents; non-finite values print as JavaScript does.
 */
export function formatNumber(x: number, significant = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const integerDigits = Math.floor(Math.log10(Math.abs(x))) + 1;
  // toFixed accepts at most 100 decimals; 20 is far below anything a simulation measures.
  const decimals = Math.min(20, Math.max(0, significant - integerDigits));
  const fixed = x.toFixed(decimals);
  const trimmed = fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  return trimmed === "-0" ? "0" : trimmed;
}

/** Quotes a field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cell(value: number | null | undefined): string {
  return value == null ? "" : formatNumber(value);
}

function table(header: string[], rows: string[][]): string {
  return [header.map(csvField), ...rows].map((r) => `${r.join(",")}\n`).join("");
}

/**
 * Gauges sampled at each probe time: `time,queue_total,utilisation,capacity_per_s,
 * queue_depth_<component>...` (every component that holds a queue: servers, databases, pools),
 * then every component gauge, one row per probe.
 */
export function gaugesCsv(series: RunSeries): string {
  const servers = Object.entries(series.queueDepth);
  // Every other component gauge follows; a server's queueLength is already its queue_depth column.
  const others = Object.entries(series.gauges).filter(
    ([key]) => !servers.some(([name]) => key === `${name}.queueLength`),
  );
  const header = [
    "time",
    "queue_total",
    "utilisation",
    "capacity_per_s",
    ...servers.map(([name]) => `queue_depth_${name}`),
    ...others.map(([key]) => key),
  ];
  const rows = series.probeTimes.map((t, i) => [
    cell(t),
    cell(series.totalQueue[i]),
    cell(series.utilisation[i]),
    cell(series.capacity[i]),
    ...servers.map(([, depth]) => cell(depth[i])),
    ...others.map(([, values]) => cell(Number.isNaN(values[i]) ? null : values[i])),
  ]);
  return table(header, rows);
}

/** Per-window rates (per second) and mean latency (seconds); an empty cell where there is no value. */
export function ratesCsv(series: RunSeries): string {
  const header = [
    "window_start",
    "offered_per_s",
    "throughput_per_s",
    "goodput_per_s",
    "timeouts_per_s",
    "retries_per_s",
    "latency_mean_s",
    "wasted_per_s",
    "errors_per_s",
    "gave_up_per_s",
    "busy_worker_s_per_s",
    "wasted_or_failed_worker_s_per_s",
    ...Object.keys(series.workers).flatMap((name) => [`finished_per_s_${name}`, `wasted_per_s_${name}`]),
  ];
  const columns = [
    series.offered,
    series.throughput,
    series.goodput,
    series.timeouts,
    series.retries,
    series.latencyMean,
    series.wasted,
    series.errors,
    series.gaveUp,
    series.busy,
    series.busy.map((_, i) => series.wastedBusy[i]! + series.errorBusy[i]!),
    ...Object.values(series.workers).flatMap((w) => [w.finished, w.wasted]),
  ];
  const rows = series.windowStarts.map((t, i) => [cell(t), ...columns.map((c) => cell(c[i]))]);
  return table(header, rows);
}
