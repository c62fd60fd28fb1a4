import type { EChartsOption, LineSeriesOption, ScatterSeriesOption } from "echarts";
import type { FluidAnalysis } from "../fluid/analyse.js";
import type { Band, Equilibrium } from "../fluid/equilibria.js";
import { chartGround, chartTitle, lineSeries, valueAxis } from "./chart-style.js";
import type { ChartSpec } from "./charts.js";

// Plain data only, like charts.ts: the same options render to SVG here and draw in a browser.

const COLOR = {
  healthy: "#009E73",
  stuck: "#D55E00",
  saddle: "#444444",
  trajectory: "#0072B2",
  field: "#9aa3ad",
  separatrix: "#CC79A7",
  band: "rgba(230, 159, 0, 0.16)",
} as const;

type Point = [number, number] | [null, null];

function frame(title: string, xName: string, yName: string, series: EChartsOption["series"]): EChartsOption {
  const named = (series as { name?: string }[]).map((s) => s.name).filter((n): n is string => !!n);
  return {
    ...chartGround(),
    title: chartTitle(title),
    legend: { data: named, left: 8, top: 30, itemGap: 14, itemWidth: 18, itemHeight: 8 },
    tooltip: { trigger: "item" },
    grid: { left: 64, right: 24, top: 64, bottom: 52 },
    xAxis: { type: "value", name: xName, nameLocation: "middle", nameGap: 28, min: 0 },
    yAxis: valueAxis(yName),
    series,
  };
}

/** A phase plane: both axes from 0 to a round number at the box's edge (`[name, max]` each). */
function planeFrame(
  title: string,
  [xName, xMax]: [string, number],
  [yName, yMax]: [string, number],
  series: EChartsOption["series"],
): EChartsOption {
  const option = frame(title, xName, yName, series);
  option.xAxis = { ...(option.xAxis as object), max: nice(xMax) };
  option.yAxis = { ...(option.yAxis as object), max: nice(yMax) };
  return option;
}

/** A line without symbols; `extra` overrides or adds to its style. */
function line(name: string, color: string, data: Point[], extra: LineSeriesOption = {}): LineSeriesOption {
  return lineSeries(name, color, data, { symbol: "none", ...extra });
}

/**
 * A direction field drawn as short segments, one from each grid point along the flow there, all
 * as long on the chart: `cellX` and `cellY` are the grid's spacing in data units.
 */
function flowSeries<T>(
  field: readonly T[],
  at: (f: T) => [x: number, y: number, dx: number, dy: number],
  cellX: number,
  cellY: number,
): LineSeriesOption {
  const arrows: Point[] = [];
  for (const f of field) {
    const [x, y, dx, dy] = at(f);
    const len = Math.hypot(dx / cellX, dy / cellY);
    if (len === 0) continue;
    const k = 0.75 / len;
    arrows.push([x, y], [x + k * dx, y + k * dy], [null, null]);
  }
  return line("flow", COLOR.field, arrows, {
    lineStyle: { width: 1, color: COLOR.field },
    connectNulls: false,
    silent: true,
  });
}

/** The equilibria as dots by kind (a saddle hollow), placed on the chart by `at`. */
function equilibriumMarkers(
  equilibria: readonly Equilibrium[],
  at: (e: Equilibrium) => Point,
): ScatterSeriesOption[] {
  const point = (kind: string, color: string, hollow: boolean): ScatterSeriesOption => ({
    type: "scatter",
    name: kind,
    symbolSize: 11,
    itemStyle: hollow ? { color: "#ffffff", borderColor: color, borderWidth: 2 } : { color },
    data: equilibria.filter((e) => e.kind === kind).map(at),
    z: 5,
  });
  return [
    point("healthy", COLOR.healthy, false),
    point("saddle", COLOR.saddle, true),
    point("stuck", COLOR.stuck, false),
  ];
}

/** The bistable band as a shaded area between its edges (nothing when there is no band). */
function bandArea(band: Band): LineSeriesOption[] {
  if (band.low === null || band.high === null || band.high <= band.low) return [];
  return [
    {
      type: "line",
      name: "bistable band",
      data: [],
      color: COLOR.band,
      markArea: {
        silent: true,
        itemStyle: { color: COLOR.band },
        label: { position: "insideTop", fontSize: 10, color: "#555555" },
        data: [[{ name: "bistable", xAxis: band.low }, { xAxis: band.high }]],
      },
    },
  ];
}

/**
 * Queue against orbit at the analysed load: short segments along the flow from each grid point
 * (a dot marks where each starts), the equilibria, the separatrix and the scenario's trajectory.
 */
export function phasePortraitChart(a: FluidAnalysis): ChartSpec {
  const p = a.portrait;
  const finite = a.equilibria.filter((e) => e.queue !== null);
  const inBox = a.trajectory.filter((t) => t.queue <= p.queueMax * 1.001 && t.orbit <= p.orbitMax * 1.001);
  const series: (LineSeriesOption | ScatterSeriesOption)[] = [
    flowSeries(p.field, (f) => [f.queue, f.orbit, f.dQueue, f.dOrbit], p.queueMax / 16, p.orbitMax / 12),
    {
      type: "scatter",
      data: p.field.map((f) => [f.queue, f.orbit]),
      symbolSize: 2.5,
      itemStyle: { color: COLOR.field },
      silent: true,
    },
    line(
      "separatrix",
      COLOR.separatrix,
      p.separatrix.filter(([q, r]) => q <= p.queueMax && r <= p.orbitMax),
      { lineStyle: { width: 2, type: "dashed", color: COLOR.separatrix } },
    ),
    line(
      "scenario trajectory",
      COLOR.trajectory,
      inBox.map((t) => [t.queue, t.orbit]),
    ),
    ...equilibriumMarkers(finite, (e) => [e.queue!, e.orbit!]),
  ];
  const option = planeFrame(
    `Phase portrait at ${short(p.load)} req/s`,
    ["queue (calls at the server)", p.queueMax],
    ["orbit (requests waiting to retry)", p.orbitMax],
    series,
  );
  return { id: "fluid-portrait", title: "Phase portrait", option };
}

/** Equilibrium goodput against base load: stable branches solid, unstable dashed, the band shaded. */
export function bifurcationChart(a: FluidAnalysis): ChartSpec {
  const b = a.bifurcation;
  const stable: Point[] = [];
  const unstable: Point[] = [];
  let prev: boolean | null = null;
  let branch = b.points[0]?.hitRate;
  for (const p of b.points) {
    // A cache's cold stuck branch is a curve of its own: start it afresh.
    if (p.hitRate !== branch) {
      stable.push([null, null]);
      unstable.push([null, null]);
      prev = null;
      branch = p.hitRate;
    }
    const into = p.stable ? stable : unstable;
    const other = p.stable ? unstable : stable;
    // Break the other branch where this one takes over, and join this one to where it left off.
    if (prev !== null && prev !== p.stable) other.push([null, null]);
    into.push([p.load, p.goodput]);
    prev = p.stable;
  }
  const series: LineSeriesOption[] = [
    ...bandArea(a.bistable),
    {
      type: "line",
      name: "stable",
      data: stable,
      color: COLOR.healthy,
      lineStyle: { width: 2, color: COLOR.healthy },
      symbol: "none",
      connectNulls: false,
    },
    {
      type: "line",
      name: "unstable",
      data: unstable,
      color: COLOR.saddle,
      lineStyle: { width: 1.5, type: "dashed", color: COLOR.saddle },
      symbol: "none",
      connectNulls: false,
    },
  ];
  if (b.stuckFrom !== null) {
    series.push({
      type: "line",
      name: "stuck (queue grows)",
      data: [
        [b.stuckFrom, 0],
        [b.loadMax, 0],
      ],
      color: COLOR.stuck,
      lineStyle: { width: 3, color: COLOR.stuck },
      symbol: "none",
    });
  }
  series.push({
    type: "line",
    data: [],
    silent: true,
    markLine: {
      silent: true,
      symbol: "none",
      label: { formatter: "{b}", fontSize: 10, position: "insideEndTop" },
      lineStyle: { color: "#0072B2", type: "dotted", width: 1.5 },
      data: [{ name: `load ${short(a.load)}`, xAxis: a.load }],
    },
  });
  const option = frame("Equilibria against load", "base load (req/s)", "goodput (req/s)", series);
  option.xAxis = { ...(option.xAxis as object), max: nice(b.loadMax) };
  return { id: "fluid-bifurcation", title: "Bifurcation diagram", option };
}

/** The scenario's own run in the fluid model: queue and orbit over time, with the load. */
export function fluidTrajectoryChart(a: FluidAnalysis): ChartSpec {
  const option = frame("Fluid trajectory of the scenario", "time (s)", "calls / requests", [
    line(
      "queue",
      COLOR.trajectory,
      a.trajectory.map((t) => [t.t, t.queue]),
    ),
    line(
      "orbit",
      COLOR.separatrix,
      a.trajectory.map((t) => [t.t, t.orbit]),
    ),
    line(
      "load (req/s)",
      "#E69F00",
      a.trajectory.map((t) => [t.t, t.load]),
      {
        lineStyle: { width: 1.2, type: "dashed", color: "#E69F00" },
      },
    ),
  ]);
  if (a.cache) {
    // The hit rate on an axis of its own, at the right.
    option.yAxis = [
      option.yAxis as object,
      {
        type: "value",
        name: "hit rate",
        nameLocation: "middle",
        nameGap: 40,
        min: 0,
        max: 1,
        splitLine: { show: false },
      },
    ] as EChartsOption["yAxis"];
    option.grid = { left: 64, right: 64, top: 64, bottom: 52 };
    (option.series as LineSeriesOption[]).push(
      line(
        "hit rate",
        COLOR.healthy,
        a.trajectory.map((t) => [t.t, t.hitRate ?? 0]),
        { yAxisIndex: 1 },
      ),
    );
    const legend = option.legend as { data: string[] };
    option.legend = { ...legend, data: [...legend.data, "hit rate"] };
  }
  return { id: "fluid-trajectory", title: "Fluid trajectory", option };
}

/**
 * A cache's hit rate against its database's queue at the analysed load (the orbit held where it
 * would settle): the flow, the equilibria and the scenario's trajectory through its flush.
 */
export function cachePortraitChart(a: FluidAnalysis): ChartSpec | null {
  const c = a.cache;
  if (!c) return null;
  const p = c.portrait;
  const finite = a.equilibria.filter((e) => e.queue !== null && e.hitRate !== undefined);
  const series: (LineSeriesOption | ScatterSeriesOption)[] = [
    flowSeries(
      p.field,
      (f) => [f.hitRate, f.queue, f.dHitRate, f.dQueue],
      p.hitRateMax / 16,
      p.queueMax / 12,
    ),
    line(
      "scenario trajectory",
      COLOR.trajectory,
      a.trajectory.map((t) => [t.hitRate ?? 0, Math.min(t.queue, p.queueMax)]),
    ),
    ...equilibriumMarkers(finite, (e) => [e.hitRate!, Math.min(e.queue!, p.queueMax)]),
  ];
  const option = planeFrame(
    `Cache hit rate and database queue at ${short(p.load)} req/s`,
    ["hit rate", p.hitRateMax],
    ["queue (queries at the database)", p.queueMax],
    series,
  );
  return { id: "fluid-cache-portrait", title: "Cache portrait", option };
}

/** The fluid charts in reading order (the cache portrait only with a cache). */
export function fluidCharts(a: FluidAnalysis): ChartSpec[] {
  const cache = cachePortraitChart(a);
  return [bifurcationChart(a), ...(cache ? [cache] : []), phasePortraitChart(a), fluidTrajectoryChart(a)];
}

function nice(x: number): number {
  return Number(x.toPrecision(3));
}

function short(x: number): string {
  return String(nice(x));
}
