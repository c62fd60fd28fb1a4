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

// Charts are drawn one after another in separate tasks, a frame's worth at a time, so drawing a
// dozen of them never blocks the page for longer than one chart takes.
const pending = new Set<() => void>();
let flushing = false;

function flush(): void {
  const start = performance.now();
  for (const job of pending) {
    pending.delete(job);
    job();
    if (performance.now() - start > 12) break;
  }
  flushing = pending.size > 0;
  if (flushing) requestAnimationFrame(flush);
}

function schedule(job: () => void): void {
  pending.add(job);
  if (!flushing) {
    flushing = true;
    requestAnimationFrame(flush);
  }
}

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
  // One function per chart, so a chart waiting in the queue is drawn once, with its latest spec.
  const drawNow = useRef(() => {
    const c = chart.current;
    if (!c || !visible.current || drawn.current === latest.current) return;
    draw(c, latest.current);
    drawn.current = latest.current;
  }).current;
  const update = () => schedule(drawNow);
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
      pending.delete(drawNow);
      seen.disconnect();
      resize?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(update, [spec]);
  return <figure class="chart" data-chart={spec.id} ref={host} style={{ height: `${height}px` }} />;
}
