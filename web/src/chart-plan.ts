import type { ChartSpec } from "../../src/report/charts.js";

// A run's charts are built once, as ECharts options (src/report/charts.ts), for the report and the
// page alike. ECharts lays out a whole chart on every update (axes, legend, text measuring): 30 to
// 120 ms of CPU per chart here, too much for a page redrawing a dozen charts while a run goes on.
// The page draws a run's charts with uPlot instead, from a plan read off those same options:
// series, colours, dashes, phase and trigger bands, event lines, envelope band. Reading the options
// rather than building a second set keeps one description of each chart.

/** A shaded stretch of the x axis (a phase, a trigger, an intervention) with its label. */
export interface XBand {
  from: number;
  to: number;
  color: string;
  label: string;
  /** Label at the top of the band, or at its bottom (triggers, so they do not hide phase names). */
  top: boolean;
}

/** A vertical line at an instant (a flush, a crash) with its label. */
export interface XLine {
  at: number;
  color: string;
  label: string;
}

/** A shaded stretch of the y axis (a metric's pre-trigger envelope). */
export interface YBand {
  from: number;
  to: number;
  color: string;
}

export interface PlanSeries {
  label: string;
  color: string;
  width: number;
  dash: number[] | null;
  bars: boolean;
}

export interface ChartPlan {
  title: string;
  xName: string;
  yName: string;
  /** Fixed x range, when the chart sets one. */
  xRange: [number, number] | null;
  /** Names of the x positions 1..n of a category axis (null: a value axis). */
  categories: string[] | null;
  /** x values, then one row per series, aligned on x (undefined: that series has no point there). */
  data: (number | null | undefined)[][];
  series: PlanSeries[];
  xBands: XBand[];
  xLines: XLine[];
  yBands: YBand[];
  /** Data points in the chart's series, as the options hold them. */
  points: number;
  /** What must be equal for a chart to be updated in place rather than built anew (its uPlot options). */
  shape: string;
}

interface MarkItem {
  name?: string;
  xAxis?: number;
  yAxis?: number;
  itemStyle?: { color?: string };
  lineStyle?: { color?: string };
}
interface OptSeries {
  type?: string;
  name?: string;
  color?: string;
  data?: unknown[];
  lineStyle?: { width?: number; type?: string; color?: string };
  itemStyle?: { color?: string };
  markArea?: {
    data?: (MarkItem | MarkItem[])[];
    label?: { position?: string };
    itemStyle?: { color?: string };
  };
  markLine?: {
    data?: MarkItem[];
    lineStyle?: { color?: string };
    label?: { formatter?: unknown };
  };
}
interface OptAxis {
  name?: string;
  type?: string;
  min?: number;
  max?: number;
  data?: unknown[];
}

const one = <T>(x: T | T[] | undefined): T | undefined => (Array.isArray(x) ? x[0] : x);

function marks(s: OptSeries, plan: Pick<ChartPlan, "xBands" | "xLines" | "yBands">): void {
  const top = s.markArea?.label?.position !== "insideBottom";
  for (const pair of s.markArea?.data ?? []) {
    if (!Array.isArray(pair) || pair.length < 2) continue;
    const [a, b] = pair as [MarkItem, MarkItem];
    const color = a.itemStyle?.color ?? s.markArea?.itemStyle?.color ?? "rgba(0,0,0,0.08)";
    if (a.xAxis !== undefined && b.xAxis !== undefined)
      plan.xBands.push({ from: a.xAxis, to: b.xAxis, color, label: a.name ?? "", top });
    else if (a.yAxis !== undefined && b.yAxis !== undefined)
      plan.yBands.push({ from: a.yAxis, to: b.yAxis, color });
  }
  const fixed = s.markLine?.label?.formatter;
  for (const m of s.markLine?.data ?? []) {
    if (m.xAxis === undefined) continue;
    plan.xLines.push({
      at: m.xAxis,
      color: m.lineStyle?.color ?? s.markLine?.lineStyle?.color ?? "#333333",
      label: typeof fixed === "string" && fixed !== "{b}" ? fixed : (m.name ?? ""),
    });
  }
}

/**
 * Merges series that each have their own x values (rates at window middles, queues at probe
 * times, two-point reference lines) onto one sorted x row; a series has undefined where it has no
 * point, which uPlot joins over, and keeps its own nulls, which it draws as gaps.
 */
export function align(tables: [number[], (number | null)[]][]): (number | null | undefined)[][] {
  return tables.every(([x]) => ascending(x)) ? merge(tables) : alignAny(tables);
}

/** Finite and strictly increasing. */
function ascending(x: number[]): boolean {
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]) || (i > 0 && !(x[i]! > x[i - 1]!))) return false;
  return true;
}

// The common case, every series' x already in order (run series are): a k-way merge of the x rows,
// with no set, sort or map of every x, so a chart redrawn twice a second leaves little garbage.
function merge(tables: [number[], (number | null)[]][]): (number | null | undefined)[][] {
  // Series on the same x as the first (a run's rates share the window middles) need no merging.
  const first = tables[0]?.[0] ?? [];
  if (tables.every(([x]) => x === first || sameValues(x, first)))
    return [first, ...tables.map(([, y]) => y.map((v) => v ?? null))];
  const at = new Array<number>(tables.length).fill(0);
  const xs: number[] = [];
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let t = 0; t < tables.length; t++) {
      const x = tables[t]![0][at[t]!];
      if (x !== undefined && x < next) next = x;
    }
    if (next === Number.POSITIVE_INFINITY) break;
    xs.push(next);
    for (let t = 0; t < tables.length; t++) if (tables[t]![0][at[t]!] === next) at[t]!++;
  }
  return [
    xs,
    ...tables.map(([x, y]) => {
      const row = new Array<number | null | undefined>(xs.length).fill(undefined);
      for (let i = 0, j = 0; i < x.length; i++) {
        while (xs[j] !== x[i]) j++;
        row[j] = y[i] ?? null;
      }
      return row;
    }),
  ];
}

function sameValues(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Any x order: every x once, sorted. */
function alignAny(tables: [number[], (number | null)[]][]): (number | null | undefined)[][] {
  const xs = [...new Set(tables.flatMap(([x]) => x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const rows = tables.map(([x, y]) => {
    const row: (number | null | undefined)[] = new Array(xs.length).fill(undefined);
    for (let i = 0; i < x.length; i++) row[at.get(x[i]!)!] = y[i] ?? null;
    return row;
  });
  return [xs, ...rows];
}

/** The plan for drawing `spec` with uPlot; null when it has series of another kind (a heatmap). */
export function chartPlan(spec: ChartSpec): ChartPlan | null {
  const o = spec.option as { series?: OptSeries[]; xAxis?: OptAxis | OptAxis[]; yAxis?: OptAxis | OptAxis[] };
  const x = one(o.xAxis) ?? {};
  const y = one(o.yAxis) ?? {};
  const plan: ChartPlan = {
    title: spec.title,
    xName: x.name ?? "",
    yName: y.name ?? "",
    xRange: typeof x.min === "number" && typeof x.max === "number" ? [x.min, x.max] : null,
    categories: x.type === "category" ? (x.data ?? []).map(String) : null,
    data: [],
    series: [],
    xBands: [],
    xLines: [],
    yBands: [],
    points: 0,
    shape: "",
  };
  const tables: [number[], (number | null)[]][] = [];
  for (const s of o.series ?? []) {
    if (s.type !== "line" && s.type !== "bar") return null;
    marks(s, plan);
    const data = s.data ?? [];
    plan.points += data.length;
    // Series that carry only marks (phase shading) have no data and no name.
    if (data.length === 0 && s.name === undefined) continue;
    const xs: number[] = [];
    const ys: (number | null)[] = [];
    data.forEach((d, i) => {
      if (Array.isArray(d)) {
        xs.push(Number(d[0]));
        ys.push(d[1] == null ? null : Number(d[1]));
      } else {
        xs.push(i + 1);
        ys.push(d == null ? null : Number(d));
      }
    });
    tables.push([xs, ys]);
    const color = s.lineStyle?.color ?? s.color ?? s.itemStyle?.color ?? "#0072B2";
    plan.series.push({
      label: s.name ?? "",
      color,
      width: s.lineStyle?.width ?? 1.8,
      dash: s.lineStyle?.type === "dashed" ? [6, 4] : null,
      bars: s.type === "bar",
    });
  }
  plan.data = align(tables);
  // Bands and event lines are not part of it: they are drawn from the newest plan at every redraw
  // (live-chart.tsx drawMarks), so a phase found during the run does not rebuild the chart.
  plan.shape = JSON.stringify([plan.title, plan.xName, plan.yName, plan.categories, plan.series]);
  return plan;
}
