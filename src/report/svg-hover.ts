import type { ECharts } from "echarts";
import type { ChartSpec } from "./charts.js";
import { formatNumber } from "./csv.js";

// Values on hover in a static SVG, without scripts: one transparent strip per x value across the
// plot area, whose <title> lists every data series at that x. Browsers show a <title> as a tooltip.

/** At most this many strips per chart; longer series are sampled evenly. */
const MAX_STRIPS = 400;

type Datum = number | null | [number, number | null];

interface DataSeries {
  name: string;
  data: Datum[];
  type: string;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The x of a datum: its own x, or its index on a category axis. */
const xOf = (d: Datum, i: number) => (Array.isArray(d) ? d[0] : i);
const yOf = (d: Datum) => (Array.isArray(d) ? d[1] : d);

/** The axis names without their unit, for the tooltip's first line. */
function axisName(axis: unknown): string {
  const a = (Array.isArray(axis) ? axis[0] : axis) as { name?: string; data?: string[] } | undefined;
  return a?.name ?? "";
}

/**
 * The hover layer of a rendered chart (an SVG `<g>` to put before `</svg>`), or "" when the chart
 * has no line or bar data on a cartesian grid (a heatmap has its own labels).
 */
export function hoverLayer(chart: ECharts, spec: ChartSpec): string {
  const option = spec.option as { series?: DataSeries[]; xAxis?: unknown };
  const series = (option.series ?? []).filter(
    (s) =>
      (s.type === "line" || s.type === "bar") && typeof s.name === "string" && (s.data?.length ?? 0) >= 3,
  );
  if (series.length === 0) return "";
  const categories = (option.xAxis as { data?: string[] } | undefined)?.data;
  // Internal but stable since ECharts 4: the plot rectangle of the first grid.
  const grid = (
    chart as unknown as {
      getModel(): {
        getComponent(t: string, i: number): { coordinateSystem?: { getRect(): DOMRectLike } } | undefined;
      };
    }
  )
    .getModel()
    .getComponent("grid", 0)
    ?.coordinateSystem?.getRect();
  if (!grid) return "";
  const longest = series.reduce((a, b) => (b.data.length > a.data.length ? b : a));
  const xs = longest.data.map(xOf);
  const step = Math.max(1, Math.ceil(xs.length / MAX_STRIPS));
  const picked = xs.filter((_, i) => i % step === 0);
  const byX = series.map((s) => new Map(s.data.map((d, i) => [xOf(d, i), yOf(d)] as const)));
  const px = picked.map((x) => chart.convertToPixel({ xAxisIndex: 0 }, x) as unknown as number);
  const xName = axisName(option.xAxis);
  const rects = picked.map((x, i) => {
    const left = i === 0 ? grid.x : (px[i - 1]! + px[i]!) / 2;
    const right = i === picked.length - 1 ? grid.x + grid.width : (px[i]! + px[i + 1]!) / 2;
    if (!(right > left)) return "";
    const head = categories ? `${xName} ${categories[x] ?? x}` : `${xName} ${formatNumber(x, 4)}`;
    const lines = series.map((s, j) => {
      const y = byX[j]!.get(x);
      return `${s.name}: ${y == null ? "–" : formatNumber(y, 4)}`;
    });
    const title = xml([head.trim(), ...lines].join("\n"));
    return `<rect x="${r(left)}" y="${r(grid.y)}" width="${r(right - left)}" height="${r(grid.height)}"><title>${title}</title></rect>`;
  });
  return `<g class="hover" fill="transparent" pointer-events="all"><style>.hover rect:hover{fill:rgba(0,0,0,0.07)}</style>${rects.join("")}</g>`;
}

interface DOMRectLike {
  x: number;
  y: number;
  width: number;
  height: number;
}

function r(x: number): string {
  return String(Math.round(x * 10) / 10);
}
