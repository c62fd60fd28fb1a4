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

function draw(c: EChartsType, spec: ChartSpec): void {
  c.setOption(spec.option, { notMerge: true, lazyUpdate: true });
  // The options are laid out for the report's 640 px; in a narrower box the legend goes under
  // the title instead of over it.
  const title = spec.option.title as { subtext?: string } | undefined;
  if (c.getWidth() < 560 && !title?.subtext)
    c.setOption({ legend: { left: 8, right: "auto", top: 26 }, grid: { top: 62 } }, { lazyUpdate: true });
}

/**
 * One ECharts chart from a ChartSpec built by src/report/charts.ts. It is created when it first
 * scrolls into view and redrawn only while in view: a run shows fifteen or more charts, and
 * drawing those nobody sees would hold the page up at every update.
 */
export function ChartView({ spec, height = 300 }: { spec: ChartSpec; height?: number }) {
  const host = useRef<HTMLElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const visible = useRef(false);
  const latest = useRef(spec);
  const drawn = useRef<ChartSpec | null>(null);
  latest.current = spec;
  const update = () => {
    const c = chart.current;
    if (!c || !visible.current || drawn.current === latest.current) return;
    draw(c, latest.current);
    drawn.current = latest.current;
  };
  useEffect(() => {
    const el = host.current!;
    let resize: ResizeObserver | null = null;
    const seen = new IntersectionObserver(
      (entries) => {
        visible.current = entries.some((e) => e.isIntersecting);
        if (visible.current && !chart.current) {
          const c = init(el, undefined, { renderer: "svg" });
          chart.current = c;
          resize = new ResizeObserver(() => c.resize());
          resize.observe(el);
        }
        update();
      },
      { rootMargin: "200px" },
    );
    seen.observe(el);
    return () => {
      seen.disconnect();
      resize?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(update, [spec]);
  return <figure class="chart" data-chart={spec.id} ref={host} style={{ height: `${height}px` }} />;
}
