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
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "preact/hooks";
import type { ChartSpec } from "../../src/report/charts.js";

// The report renders these options to SVG on the server; the page draws the same options on a
// canvas. A live run redraws a dozen charts again and again, and the SVG renderer's DOM updates
// (style and layout of thousands of elements) were most of what held the page up.
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
  CanvasRenderer,
]);

/** Shortest time between two redraws of one growing chart, in ms. */
const REDRAW_MS = 1000;
/** Work one frame may do before the next chart waits for the next frame, in ms. */
const FRAME_BUDGET_MS = 12;

// Charts are drawn one after another in separate tasks, a frame's worth at a time, so drawing a
// dozen of them never blocks the page for longer than one chart takes.
const pending = new Set<() => void>();
let flushing = false;

function flush(): void {
  const start = performance.now();
  for (const job of pending) {
    pending.delete(job);
    job();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
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

// Printing draws every chart, seen or not (a chart is otherwise drawn when it scrolls into view).
const printers = new Set<() => void>();
if (typeof window !== "undefined")
  window.addEventListener("beforeprint", () => {
    for (const p of printers) p();
  });

/** Names of a chart's series, to tell an update of the same chart from a different one. */
const seriesNames = (spec: ChartSpec) =>
  ((spec.option.series ?? []) as { name?: string }[]).map((s) => s.name ?? "").join("\u0000");

/** Data points in a chart's series (a drawn chart says how many, for tests and for the curious). */
const pointCount = (spec: ChartSpec) =>
  ((spec.option.series ?? []) as { data?: unknown[] }[]).reduce((n, s) => n + (s.data?.length ?? 0), 0);

function draw(c: EChartsType, spec: ChartSpec, previous: ChartSpec | null): void {
  performance.mark("chart-draw-start");
  // The same chart with more data is merged, so ECharts updates its elements in place instead of
  // rebuilding title, legend and axes. It is drawn now, not in ECharts' next frame: a lazy update
  // would pile every chart waiting for that frame into one long task.
  const same = previous !== null && previous.id === spec.id && seriesNames(previous) === seriesNames(spec);
  c.setOption(spec.option, { notMerge: !same });
  // The options are laid out for the report's 640 px; in a narrower box the legend goes under
  // the title instead of over it.
  const title = spec.option.title as { subtext?: string } | undefined;
  if (c.getWidth() < 560 && !title?.subtext)
    c.setOption({ legend: { left: 8, right: "auto", top: 26 }, grid: { top: 62 } });
  performance.measure("chart-draw", { start: "chart-draw-start", detail: spec.id });
}

/**
 * One ECharts chart from a ChartSpec built by src/report/charts.ts. It is created when it first
 * scrolls into view and redrawn only while in view, at most once a second: a run shows fifteen or
 * more charts, and drawing those nobody sees would hold the page up at every update.
 */
export function ChartView({ spec, height = 300 }: { spec: ChartSpec; height?: number }) {
  const host = useRef<HTMLElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const visible = useRef(false);
  const latest = useRef(spec);
  const drawn = useRef<ChartSpec | null>(null);
  const lastDraw = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  latest.current = spec;
  // One function per chart, so a chart waiting in the queue is drawn once, with its latest spec.
  const drawNow = useRef((force = false) => {
    const el = host.current;
    if (!el || (!visible.current && !force) || drawn.current === latest.current) return;
    if (!chart.current) chart.current = init(el, undefined, { renderer: "canvas" });
    lastDraw.current = performance.now();
    draw(chart.current, latest.current, drawn.current);
    drawn.current = latest.current;
    el.dataset.points = String(pointCount(latest.current));
  }).current;
  const job = useRef(() => drawNow()).current;
  const update = () => {
    if (timer.current) return;
    const wait = lastDraw.current + REDRAW_MS - performance.now();
    if (wait <= 0) schedule(job);
    else
      timer.current = setTimeout(() => {
        timer.current = null;
        schedule(job);
      }, wait);
  };
  useEffect(() => {
    const el = host.current!;
    const resize = new ResizeObserver(() => chart.current?.resize());
    resize.observe(el);
    const seen = new IntersectionObserver(
      (entries) => {
        visible.current = entries.some((e) => e.isIntersecting);
        if (visible.current) schedule(job);
      },
      { rootMargin: "200px" },
    );
    seen.observe(el);
    const print = () => {
      drawNow(true);
      chart.current?.resize();
    };
    printers.add(print);
    return () => {
      pending.delete(job);
      printers.delete(print);
      if (timer.current) clearTimeout(timer.current);
      seen.disconnect();
      resize.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(update, [spec]);
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
