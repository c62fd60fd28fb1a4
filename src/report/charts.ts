import type { BarSeriesOption, EChartsOption, LineSeriesOption, XAXisComponentOption } from "echarts";
import type { PhaseStats, RunOutput, RunResult } from "../scenario/run-result.js";
import { chartGround, chartTitle, lineSeries, valueAxis } from "./chart-style.js";

// Plain data only (no callbacks, no DOM, no node:), so the same options can be serialised to a
// browser dashboard or rendered to SVG on the server.

/** One chart: a stable id (file names, anchors), a human title and its ECharts option. */
export interface ChartSpec {
  id: string;
  title: string;
  option: EChartsOption;
}

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale.
// Each quantity keeps its colour on every chart (timeouts are vermillion wherever they appear).
const COLOR = {
  offered: "#0072B2",
  capacity: "#444444",
  timeout: "#D55E00",
  goodput: "#009E73",
  throughput: "#56B4E9",
  latency: "#CC79A7",
  // The tail in a darker shade of the latency colour, so p99 reads as "latency, worse".
  latencyTail: "#7A3E66",
  retries: "#E69F00",
  bars: "#0072B2",
} as const;
const SERVER_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"];
const PHASE_BANDS = ["rgba(120, 130, 150, 0.13)", "rgba(120, 130, 150, 0.04)"];
const DRAIN_BAND = "rgba(230, 159, 0, 0.14)";

type Point = [number, number | null];

/** A data line; symbols only while there are few enough points to tell apart. */
function line(name: string, color: string, data: Point[], extra: LineSeriesOption = {}): LineSeriesOption {
  return lineSeries(name, color, data, {
    symbol: "circle",
    symbolSize: 4,
    showSymbol: data.length <= 60,
    connectNulls: false,
    ...extra,
  });
}

/**
 * A dashed horizontal reference (capacity, timeout). Drawn as a two-point series rather than a
 * markLine because markLines do not widen the axis: a capacity above the data would fall off-chart.
 */
function reference(name: string, color: string, value: number, xMax: number): LineSeriesOption {
  return line(
    name,
    color,
    [
      [0, value],
      [xMax, value],
    ],
    {
      lineStyle: { width: 1.2, type: "dashed", color },
      showSymbol: false,
      symbol: "none",
      z: 1,
    },
  );
}

/** An invisible series that only carries the phase shading, so every time chart shares it. */
function phaseMarks(result: RunResult): LineSeriesOption {
  type Areas = NonNullable<NonNullable<LineSeriesOption["markArea"]>["data"]>;
  const band = (p: PhaseStats, color: string): Areas[number] => [
    { name: p.label, xAxis: p.start, itemStyle: { color } },
    { xAxis: p.end },
  ];
  const areas = result.phases.map((p, i) => band(p, PHASE_BANDS[i % PHASE_BANDS.length]!));
  if (result.drain) areas.push(band(result.drain, DRAIN_BAND));
  return {
    type: "line",
    data: [],
    silent: true,
    markArea: {
      silent: true,
      label: { position: "insideTop", fontSize: 10, color: "#555555", distance: 2 },
      data: areas,
    },
  };
}

const TRIGGER_COLOR = "rgba(213, 94, 0, 0.18)";
const INTERVENTION_COLOR = "rgba(0, 158, 115, 0.18)";

/**
 * Triggers (vermillion) and interventions (green) over the phases: a band for lasting ones, a
 * vertical line for instant ones (a flush, a crash, a restart).
 */
function changeMarks(result: RunResult): LineSeriesOption[] {
  const changes = [
    ...result.triggers.map((c) => ({ ...c, color: TRIGGER_COLOR, line: "#D55E00" })),
    ...result.interventions.map((c) => ({ ...c, color: INTERVENTION_COLOR, line: "#009E73" })),
  ];
  if (changes.length === 0) return [];
  const label = (c: { kind: string; target: string }) => `${c.kind} ${c.target}`;
  return [
    {
      type: "line",
      data: [],
      silent: true,
      markArea: {
        silent: true,
        label: { position: "insideBottom", fontSize: 10, color: "#333333", distance: 2 },
        data: changes
          .filter((c) => c.end > c.start)
          .map((c) => [{ name: label(c), xAxis: c.start, itemStyle: { color: c.color } }, { xAxis: c.end }]),
      },
      markLine: {
        silent: true,
        symbol: "none",
        label: { formatter: "{b}", fontSize: 10, position: "insideEndTop" },
        data: changes
          .filter((c) => c.end === c.start)
          .map((c) => ({
            name: label(c),
            xAxis: c.start,
            lineStyle: { color: c.line, type: "solid", width: 1.5 },
          })),
      },
    },
  ];
}

/** An x-axis with its unit in the name; `extra` sets the type-specific parts. */
function xAxis(name: string, extra: XAXisComponentOption): XAXisComponentOption {
  return { name, nameLocation: "middle", nameGap: 28, ...extra };
}

/** The skeleton every chart shares: title, legend, grid, tooltip, y-axis. */
function frame(
  title: string,
  yName: string,
  x: XAXisComponentOption,
  series: (LineSeriesOption | BarSeriesOption)[],
): EChartsOption {
  const named = series.map((s) => s.name).filter((n): n is string => typeof n === "string");
  return {
    ...chartGround(),
    title: chartTitle(title),
    legend:
      named.length > 1
        ? { data: named, right: 16, top: 8, itemGap: 16, itemWidth: 18, itemHeight: 8 }
        : { show: false },
    tooltip: { trigger: "axis" },
    grid: { left: 64, right: 24, top: 48, bottom: 52 },
    xAxis: x,
    // Headroom above the data keeps the phase labels clear of the lines.
    yAxis: valueAxis(yName, [0, "12%"]),
    series,
  };
}

/** A chart against simulated time, with the phases and the drain shaded behind the data. */
function timeChart(
  result: RunResult,
  id: string,
  title: string,
  yName: string,
  series: LineSeriesOption[],
): ChartSpec {
  const x = xAxis("time (s)", { type: "value", min: 0, max: result.simulatedSeconds });
  return {
    id,
    title,
    option: frame(title, yName, x, [...series, phaseMarks(result), ...changeMarks(result)]),
  };
}

/** A number for a label, without float noise such as 35.00000000000001. */
function short(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** The eight charts of a run, in reading order: load, queue, latency, goodput, feedback, distributions. */
export function chartOptions(output: RunOutput): ChartSpec[] {
  const { result, series } = output;
  const end = result.simulatedSeconds;
  // A rate describes a whole window; plotting it at the window's middle keeps spikes where they happened.
  const mid = series.windowStarts.map((t) => t + series.window / 2);
  const perWindow = (values: (number | null)[], scale = 1): Point[] =>
    mid.map((t, i) => [t, values[i] == null ? null : values[i]! * scale]);
  const capacity = reference(
    `capacity (${short(result.capacityPerSec)} req/s)`,
    COLOR.capacity,
    result.capacityPerSec,
    end,
  );
  const timeoutMs = result.timeout === null ? null : result.timeout * 1000;

  const servers = Object.entries(series.queueDepth).map(([name, depth], i) =>
    line(
      name,
      SERVER_COLORS[i % SERVER_COLORS.length]!,
      series.probeTimes.map((t, j): Point => [t, depth[j] ?? null]),
    ),
  );

  const latency = [
    line("mean latency", COLOR.latency, perWindow(series.latencyMean, 1000)),
    line("p50", COLOR.latency, perWindow(series.latencyP50, 1000), {
      lineStyle: { width: 1.2, type: "dashed", color: COLOR.latency },
    }),
    line("p99", COLOR.latencyTail, perWindow(series.latencyP99, 1000), {
      lineStyle: { width: 1.2, color: COLOR.latencyTail },
    }),
  ];
  if (timeoutMs !== null)
    latency.push(reference(`timeout (${short(timeoutMs)} ms)`, COLOR.timeout, timeoutMs, end));

  return [
    timeChart(result, "load-profile", "Offered load", "offered (req/s)", [
      line("offered", COLOR.offered, perWindow(series.offered)),
      capacity,
    ]),
    timeChart(result, "queue-depth", "Queue depth", "queue depth (requests)", servers),
    timeChart(result, "latency", "End-to-end latency", "latency (ms)", latency),
    timeChart(result, "goodput", "Goodput and throughput", "rate (req/s)", [
      line("goodput", COLOR.goodput, perWindow(series.goodput)),
      line("throughput", COLOR.throughput, perWindow(series.throughput), {
        lineStyle: { width: 1.2, color: COLOR.throughput, opacity: 0.8 },
      }),
      capacity,
    ]),
    timeChart(result, "timeouts", "Timeouts", "timeouts (per s)", [
      line("timeouts", COLOR.timeout, perWindow(series.timeouts)),
    ]),
    timeChart(result, "retries", "Retries", "retries (per s)", [
      line("retries", COLOR.retries, perWindow(series.retries)),
    ]),
    latencyHistogram(output, timeoutMs),
    attempts(result),
  ];
}

/** Latency histogram on a value axis in ms, so bins keep their true widths and the timeout lines up. */
function latencyHistogram(output: RunOutput, timeoutMs: number | null): ChartSpec {
  const bins = output.series.latencyHistogram;
  const bars: BarSeriesOption = {
    type: "bar",
    name: "requests",
    color: COLOR.bars,
    barCategoryGap: "8%",
    itemStyle: { opacity: 0.85 },
    data: bins.map((b) => [((b.lower + b.upper) / 2) * 1000, b.count]),
  };
  if (timeoutMs !== null) {
    bars.markLine = {
      silent: true,
      symbol: "none",
      lineStyle: { type: "dashed", color: COLOR.timeout, width: 1.2 },
      label: { formatter: `timeout ${short(timeoutMs)} ms`, position: "insideEndTop", color: COLOR.timeout },
      data: [{ xAxis: timeoutMs }],
    };
  }
  // markLines do not widen the axis, so the bound covers the timeout too.
  const top = Math.max(bins.length > 0 ? bins[bins.length - 1]!.upper * 1000 : 0, (timeoutMs ?? 0) * 1.05);
  const title = "Latency distribution";
  const x = xAxis("latency (ms)", { type: "value", min: 0, max: top });
  const option = frame(title, "completed requests", x, [bars]);
  return { id: "latency-histogram", title, option };
}

/** How many attempts the completed requests needed; a long tail means retries did the work. */
function attempts(result: RunResult): ChartSpec {
  const rows = [...result.attemptsPerCompletion].sort((a, b) => a.attempts - b.attempts);
  const title = "Attempts per completed request";
  const x = xAxis("attempts", { type: "category", data: rows.map((r) => String(r.attempts)) });
  const option = frame(title, "completed requests", x, [
    { type: "bar", name: "requests", color: COLOR.bars, data: rows.map((r) => r.count), barWidth: "60%" },
  ]);
  return { id: "attempts", title, option };
}

/** A characteristic metric as charts need it: per-window values and its pre-trigger envelope, if known. */
export interface MetricSeries {
  name: string;
  /** Human name for the title (the code name when absent). */
  label?: string;
  unit: string;
  values: (number | null)[];
  envelope: [number, number] | null;
}

/**
 * One characteristic metric against time (a loop-state observable such as retry amplification),
 * with its pre-trigger envelope shaded: where the line leaves the band, the loop has taken over.
 */
export function characteristicChart(output: RunOutput, metric: MetricSeries): ChartSpec {
  const { series } = output;
  const data = series.windowStarts.map((t, i): Point => [t + series.window / 2, metric.values[i] ?? null]);
  const extra: LineSeriesOption = {};
  if (metric.envelope) {
    extra.markArea = {
      silent: true,
      itemStyle: { color: "rgba(0, 158, 115, 0.12)" },
      label: { show: false },
      data: [[{ name: "envelope", yAxis: metric.envelope[0] }, { yAxis: metric.envelope[1] }]],
    };
  }
  const id = `metric-${metric.name.replace(/[^\w]+/g, "-")}`;
  const title = metric.label ?? metric.name;
  return timeChart(output.result, id, title, metric.unit, [line(title, COLOR.offered, data, extra)]);
}
