import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
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
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "preact/hooks";
import type { ChartSpec } from "../../src/report/charts.js";

// The report renders these options to SVG on the server; the page renders them with the same SVG
// renderer, so the two look alike.
use([
  LineChart,
  BarChart,
  HeatmapChart,
  VisualMapComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

/** One ECharts chart from a ChartSpec built by src/report/charts.ts. */
export function ChartView({ spec, height = 300 }: { spec: ChartSpec; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    const el = host.current!;
    const c = init(el, undefined, { renderer: "svg" });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption(spec.option, { notMerge: true, lazyUpdate: true });
    // The options are laid out for the report's 640 px; in a narrower box the legend goes under
    // the title instead of over it.
    const title = spec.option.title as { subtext?: string } | undefined;
    if (c.getWidth() < 560 && !title?.subtext)
      c.setOption({ legend: { left: 8, right: "auto", top: 26 }, grid: { top: 62 } }, { lazyUpdate: true });
  }, [spec]);
  return <figure class="chart" data-chart={spec.id} ref={host} style={{ height: `${height}px` }} />;
}
