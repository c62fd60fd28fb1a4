import type { EChartsOption } from "echarts";
import type { MapCell, MapResult } from "../analysis/map-result.js";
import type { ChartSpec } from "./charts.js";
import { formatNumber } from "./csv.js";

// Plain data, like charts.ts: the same option renders to SVG here and in a browser dashboard.

const FONT = "Helvetica, Arial, sans-serif";
const TEXT = "#333333";
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
export function mapHeatmap(result: MapResult, metric: MapMetric): ChartSpec {
  const m = MAP_METRICS[metric];
  const value = (c: MapCell) => {
    const v = c[metric].mean;
    return Number.isFinite(v) ? Number(v.toFixed(4)) : null;
  };
  const showLabels = result.x.values.length <= 12 && result.y.values.length <= 16;
  const title = `${m.title}: ${result.scenario}`;
  const option: EChartsOption = {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT, color: TEXT },
    title: {
      text: title,
      subtext: `${result.replications} replications per cell`,
      left: 8,
      top: 6,
      textStyle: { fontSize: 14, fontWeight: "bold", color: TEXT },
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
  return { id: `map-${metric === "pStuck" ? "stuck" : "goodput"}`, title, option };
}
