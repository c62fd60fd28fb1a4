import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartSpec } from "../../src/report/charts.js";
import { type ChartPlan, chartPlan } from "./chart-plan.js";
import { ChartView } from "./chart-view.js";
import { useQueuedDraw } from "./draw-queue.js";

/** Height of the title and legend above and below uPlot's canvas, in px. */
const PLOT_EXTRA = 56;
const FONT = "11px Helvetica, Arial, sans-serif";
const AXIS = {
  stroke: "#333333",
  grid: { stroke: "#e6e6e6", width: 1 },
  ticks: { stroke: "#cccccc", width: 1 },
};

/** Phase and trigger bands, event lines and the envelope band, drawn under the series. */
function drawMarks(u: uPlot, plan: ChartPlan): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const px = devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (const b of plan.yBands) {
    const y0 = u.valToPos(b.from, "y", true);
    const y1 = u.valToPos(b.to, "y", true);
    ctx.fillStyle = b.color;
    ctx.fillRect(left, Math.min(y0, y1), width, Math.abs(y1 - y0));
  }
  ctx.font = FONT.replace(/^\d+/, (n) => String(Math.round(Number(n) * px)));
  ctx.textAlign = "center";
  for (const b of plan.xBands) {
    const x0 = u.valToPos(b.from, "x", true);
    const x1 = u.valToPos(b.to, "x", true);
    ctx.fillStyle = b.color;
    ctx.fillRect(x0, top, x1 - x0, height);
    if (b.label && x1 - x0 > ctx.measureText(b.label).width + 4 * px) {
      ctx.fillStyle = "#444444";
      ctx.textBaseline = b.top ? "top" : "bottom";
      ctx.fillText(b.label, (x0 + x1) / 2, b.top ? top + 2 * px : top + height - 2 * px);
    }
  }
  for (const l of plan.xLines) {
    const x = Math.round(u.valToPos(l.at, "x", true));
    ctx.strokeStyle = l.color;
    ctx.lineWidth = 1.5 * px;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    if (l.label) {
      ctx.fillStyle = "#333333";
      ctx.textAlign = "left";
      ctx.textBaseline = "top";
      ctx.fillText(l.label, x + 3 * px, top + 14 * px);
      ctx.textAlign = "center";
    }
  }
  ctx.restore();
}

/** Rounds a number for the legend: three significant digits, no float noise. */
const short = (v: number | null | undefined) => (v == null ? "–" : String(Number(v.toPrecision(3))));

function options(plan: () => ChartPlan, width: number, height: number): uPlot.Options {
  const p = plan();
  const bars = uPlot.paths.bars?.({ size: [0.85, Number.POSITIVE_INFINITY] });
  const cats = p.categories;
  return {
    title: p.title,
    width,
    height,
    // No cursor zoom: a drag on the chart scrolls the page on a phone, as elsewhere on it.
    cursor: { drag: { x: false, y: false }, points: { size: 5 } },
    legend: { live: true },
    scales: {
      x: {
        time: false,
        range: (_u, min, max) => {
          const q = plan();
          if (q.categories) return [0.5, q.categories.length + 0.5];
          if (q.xRange && q.xRange[1] > q.xRange[0]) return q.xRange;
          return [Math.min(0, min), max > min ? max : min + 1];
        },
      },
      y: {
        // Zero-based with headroom above the data, so phase labels stay clear of the lines.
        range: (_u, _min, max) => {
          const top = Math.max(max, ...plan().yBands.map((b) => b.to));
          return [0, top > 0 ? top * 1.12 : 1];
        },
      },
    },
    axes: [
      {
        ...AXIS,
        label: p.xName,
        font: FONT,
        labelFont: FONT,
        ...(cats && {
          splits: () => cats.map((_, i) => i + 1),
          values: (_u: uPlot, splits: number[]) => splits.map((s) => cats[s - 1] ?? ""),
        }),
      },
      { ...AXIS, label: p.yName, font: FONT, labelFont: FONT, size: 56 },
    ],
    series: [
      { label: p.xName || "x", value: (_u, v) => short(v) },
      ...p.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: s.width,
          ...(s.dash && { dash: s.dash }),
          ...(s.bars && bars && { paths: bars, fill: s.color, points: { show: false } }),
          points: { show: false },
          value: (_u, v) => short(v),
        }),
      ),
    ],
    hooks: { drawClear: [(u) => drawMarks(u, plan())] },
  };
}

/** Whether uPlot can draw the spec: line and bar series only (no heatmaps). */
const drawable = (spec: ChartSpec) =>
  ((spec.option.series ?? []) as { type?: string }[]).every((s) => s.type === "line" || s.type === "bar");

/**
 * One of a run's charts, drawn with uPlot from the same ChartSpec the report draws with ECharts
 * (a spec uPlot cannot draw falls back to ChartView). Updating a chart of the same shape only
 * hands uPlot the new data, which costs about a millisecond, so live charts stay cheap.
 */
export function LiveChart({ spec, height = 280 }: { spec: ChartSpec; height?: number }) {
  const host = useQueuedDraw(spec, spec.id, () => {
    let u: uPlot | null = null;
    let current: ChartPlan | null = null;
    return {
      draw(el, s) {
        // Planned when drawn, not at each render: the page renders at every report of the run.
        const p = chartPlan(s);
        if (!p) return;
        const previous = current;
        current = p;
        if (u && previous?.shape === p.shape) u.setData(p.data as uPlot.AlignedData);
        else {
          u?.destroy();
          const width = Math.max(200, el.clientWidth);
          u = new uPlot(
            options(() => current!, width, height - PLOT_EXTRA),
            p.data as uPlot.AlignedData,
            el,
          );
        }
        el.dataset.points = String(p.points);
      },
      resize() {
        const el = u?.root.parentElement;
        if (u && el) u.setSize({ width: Math.max(200, el.clientWidth), height: height - PLOT_EXTRA });
      },
      dispose: () => u?.destroy(),
    };
  });
  if (!drawable(spec)) return <ChartView spec={spec} height={height} />;
  return (
    <figure
      class="chart live-chart"
      data-chart={spec.id}
      ref={host}
      style={{ minHeight: `${height}px` }}
      role="img"
      aria-label={spec.title}
    />
  );
}
