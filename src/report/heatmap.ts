import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from "echarts";
import type { MapCell, MapResult } from "../analysis/map-result.js";
import { CHART_TEXT, chartGround } from "./chart-style.js";
import type { ChartSpec } from "./charts.js";
import { formatNumber } from "./csv.js";
import type { MapFluidOverlay } from "./fluid-overlay.js";

// Plain data, like charts.ts: the same option renders to SVG here and in a browser dashboard.

// Sequential scale from healthy (pale) to stuck (dark vermillion); reads in greyscale too.
const STUCK_SCALE = ["#fff5eb", "#fdbe85", "#fd8d3c", "#d94701", "#7f2704"];
// Goodput: dark where little work gets done, so "bad" is dark on both maps.
const GOODPUT_SCALE = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#f7fbff"];

/** The two quantities a map can show, with their titles and colour scales. */
export const MAP_METRICS = {
  pStuck: { title: "Probability of getting stuck", legend: "P(stuck)", colors: STUCK_SCALE },
  goodputRatio: {
    title: "Goodput / offered after the triggers",
    legend: "goodput ratio",
    colors: GOODPUT_SCALE,
  },
} as const;

/** Which cell value a heatmap shows. */
export type MapMetric = keyof typeof MAP_METRICS;

const label = (x: number) => formatNumber(x, 4);

/** A heatmap of one metric over the two swept parameters, one square per cell, labelled when the grid is small. */
export function mapHeatmap(result: MapResult, metric: MapMetric, fluid?: MapFluidOverlay): ChartSpec {
  const m = MAP_METRICS[metric];
  const value = (c: MapCell) => {
    const v = c[metric].mean;
    return Number.isFinite(v) ? Number(v.toFixed(4)) : null;
  };
  const showLabels = result.x.values.length <= 12 && result.y.values.length <= 16;
  const title = `${m.title}: ${result.scenario}`;
  const option: EChartsOption = {
    ...chartGround(),
    title: {
      text: title,
      subtext: `${result.replications} replications per cell`,
      left: 8,
      top: 6,
      textStyle: { fontSize: 14, fontWeight: "bold", color: CHART_TEXT },
      subtextStyle: { fontSize: 11, color: "#666666" },
    },
    tooltip: { position: "top" },
    grid: { left: 72, right: 96, top: 64, bottom: 56 },
    xAxis: {
      type: "category",
      name: result.x.param,
      nameLocation: "middle",
      nameGap: 32,
      data: result.x.values.map(label),
      splitArea: { show: false },
    },
    yAxis: {
      type: "category",
      name: result.y.param,
      nameLocation: "middle",
      nameGap: 52,
      data: result.y.values.map(label),
    },
    visualMap: {
      type: "continuous",
      min: 0,
      max: 1,
      calculable: false,
      orient: "vertical",
      right: 8,
      top: "middle",
      text: [metric === "pStuck" ? "1 (stuck)" : "1", "0"],
      inRange: { color: [...m.colors] },
    },
    series: [
      {
        type: "heatmap",
        name: m.legend,
        data: result.cells.map((c) => [c.ix, c.iy, value(c)]),
        // A white halo keeps the black labels readable on the darkest cells.
        label: {
          show: showLabels,
          fontSize: 10,
          color: "#000000",
          textBorderColor: "#ffffff",
          textBorderWidth: 2,
        },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
      },
    ],
  };
  if (fluid) addFluidOverlay(option, result, fluid);
  return { id: `map-${metric === "pStuck" ? "stuck" : "goodput"}`, title, option };
}

const BAND_EDGE = { low: "#009E73", high: "#0072B2" } as const;

/**
 * The fluid model's band over the map: with a load axis, its two edges as dashed lines across
 * each row (on hidden value axes laid over the category ones, so an edge can fall between
 * cells); without one, a ring on each cell the model calls bistable at the scenario's load and a
 * dot where it calls it stuck only.
 */
function addFluidOverlay(option: EChartsOption, result: MapResult, fluid: MapFluidOverlay): void {
  const series = option.series as (LineSeriesOption | ScatterSeriesOption)[];
  const extra: (LineSeriesOption | ScatterSeriesOption)[] = [];
  if (fluid.loadAxis !== null) {
    const along = fluid.loadAxis === "x" ? result.x : result.y;
    const across = fluid.loadAxis === "x" ? result.y : result.x;
    const n = along.values.length;
    const first = along.values[0]!;
    const last = along.values[n - 1]!;
    const at = (factor: number) => (n === 1 ? 0 : ((factor - first) / (last - first)) * (n - 1));
    for (const edge of ["low", "high"] as const) {
      const data: ([number, number] | [null, null])[] = [];
      for (const b of fluid.bands) {
        const v = b[edge];
        const row = across.values.indexOf(b.value);
        if (v === null || row < 0) continue;
        const pos = at(v);
        if (pos < -0.5 || pos > n - 0.5) continue;
        const ends: [number, number][] = [
          [pos, row - 0.5],
          [pos, row + 0.5],
        ];
        for (const [p, r] of ends) data.push(fluid.loadAxis === "x" ? [p, r] : [r, p]);
        data.push([null, null]);
      }
      extra.push({
        type: "line",
        name: `fluid band ${edge}`,
        xAxisIndex: 1,
        yAxisIndex: 1,
        data,
        color: BAND_EDGE[edge],
        lineStyle: { width: 2.5, type: "dashed", color: BAND_EDGE[edge] },
        symbol: "none",
        connectNulls: false,
        silent: true,
        z: 5,
      });
    }
    const hidden = (count: number) => ({
      type: "value" as const,
      min: -0.5,
      max: count - 0.5,
      show: false,
      axisLine: { show: false },
      splitLine: { show: false },
    });
    option.xAxis = [option.xAxis as object, hidden(result.x.values.length)] as EChartsOption["xAxis"];
    option.yAxis = [option.yAxis as object, hidden(result.y.values.length)] as EChartsOption["yAxis"];
  } else {
    const marker = (state: "bistable" | "stuck", name: string, symbol: string): ScatterSeriesOption => ({
      type: "scatter",
      name,
      data: fluid.cells.filter((c) => c.state === state).map((c) => [c.ix, c.iy]),
      symbol,
      symbolSize: state === "bistable" ? 16 : 7,
      itemStyle:
        state === "bistable"
          ? { color: "rgba(0,0,0,0)", borderColor: "#0072B2", borderWidth: 2 }
          : { color: "#0072B2" },
      silent: true,
      z: 5,
    });
    extra.push(
      marker("bistable", "fluid: bistable here", "circle"),
      marker("stuck", "fluid: stuck only", "circle"),
    );
  }
  for (const e of extra) series.push(e);
  option.legend = {
    data: extra.map((s) => s.name as string),
    bottom: 4,
    left: 8,
    itemGap: 16,
    itemWidth: 18,
    itemHeight: 8,
    textStyle: { fontSize: 11 },
  };
  option.grid = { ...(option.grid as object), bottom: 72 };
  // The colour scale is for the heatmap alone.
  (option.visualMap as { seriesIndex?: number }).seriesIndex = 0;
}
