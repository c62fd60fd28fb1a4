import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { type EChartsType, init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { ChartSpec } from "../../src/report/charts.js";
import { useQueuedDraw } from "./draw-queue.js";

// The report renders these options to SVG on the server; the page draws the same options on a
// canvas. A live run redraws a dozen charts again and again, and the SVG renderer's DOM updates
// (style and layout of thousands of elements) were most of what held the page up.
use([
  LineChart,
  ScatterChart,
  BarChart,
  HeatmapChart,
  VisualMapComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** Names of a chart's series, to tell an update of the same chart from a different one. */
const seriesNames = (spec: ChartSpec) =>
  ((spec.option.series ?? []) as { name?: string }[]).map((s) => s.name ?? "").join("\u0000");

/** Data points in a chart's series (a drawn chart says how many, for tests and for the curious). */
export const pointCount = (spec: ChartSpec) =>
  ((spec.option.series ?? []) as { data?: unknown[] }[]).reduce((n, s) => n + (s.data?.length ?? 0), 0);

function draw(c: EChartsType, spec: ChartSpec, previous: ChartSpec | null): void {
  // The same chart with more data is merged, so ECharts updates its elements in place instead of
  // rebuilding title, legend and axes. It is drawn now, not in ECharts' next frame: a lazy update
  // would pile every chart waiting for that frame into one long task.
  const same = previous !== null && previous.id === spec.id && seriesNames(previous) === seriesNames(spec);
  c.setOption(spec.option, { notMerge: !same });
  // The options are laid out for the report's 640 px; in a narrower box the legend goes under
  // the title instead of over it.
  const title = spec.option.title as { subtext?: string } | undefined;
  if (c.getWidth() < 560 && !title?.subtext) {
    // About three legend entries fit on a line of a phone-wide chart; the plot starts below them.
    const named = ((spec.option.series ?? []) as { name?: string }[]).filter((x) => x.name).length;
    const rows = Math.max(1, Math.ceil(named / 3));
    c.setOption({ legend: { left: 8, right: 8, top: 26 }, grid: { top: 44 + 20 * rows } });
  }
}

/**
 * One ECharts chart from a ChartSpec built by src/report/charts.ts (the analyses' charts and
 * heatmaps; a run's charts are drawn by LiveChart). Created when it first scrolls into view,
 * redrawn only while in view and not more often than the draw queue allows.
 */
export function ChartView({ spec, height = 300 }: { spec: ChartSpec; height?: number }) {
  const host = useQueuedDraw(spec, spec.id, () => {
    let chart: EChartsType | null = null;
    return {
      draw(el, s, previous) {
        chart ??= init(el, undefined, { renderer: "canvas" });
        draw(chart, s, previous);
        el.dataset.points = String(pointCount(s));
      },
      resize: () => chart?.resize(),
      dispose: () => chart?.dispose(),
    };
  });
  return (
    <figure
      class="chart"
      data-chart={spec.id}
      ref={host}
      style={{ height: `${height}px` }}
      role="img"
      aria-label={spec.title}
    />
  );
}
