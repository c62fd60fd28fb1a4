import { readdirSync } from "node:fs";
import { type Browser, expect, type Page, test } from "@playwright/test";

// Live runs must not freeze the page: the engine runs in a worker, and the page's own work (taking
// the worker's reports, rendering, drawing charts) is spread so no task holds the main thread long.
//
// The budget is on each main-thread task's CPU time, read from a Chromium trace (a task's `tdur`),
// not on its wall time (the "long task" API): on a busy shared machine a 10 ms task can take 400 ms
// of wall time while the process waits for a core, which says nothing about the page. CPU time is
// what the page's code costs, so the assertion holds on a loaded 2-core machine and still fails
// when a chart or render does too much at once. The wall-clock long tasks are printed beside it.
// `npm run bench:web` (BENCH_WEB=1) runs every catalog scenario at full speed and the retry storm
// at each speed; the suite runs two.

const BENCH = process.env.BENCH_WEB === "1";
/**
 * The most CPU time one main-thread task may take during a run, in ms: the issue's 50 ms, in the
 * suite and the benchmark alike. The largest tasks left are a frame drawing a chart or two plus the
 * page's layout, 21-33 ms of CPU on a loaded 2-core machine (BENCHMARKS.md); the old per-update
 * ECharts drawing took 119 ms, and before chart specs were built at most once per redraw interval
 * and charts updated in place when a phase appeared, major GCs and chart rebuilds reached 45-54 ms.
 */
const BUDGET_MS = 50;
/** Shortest time between two draws of one chart, in ms (web/src/draw-queue.ts REDRAW_MS, less timer slack). */
const REDRAW_GAP_MS = 490;

declare global {
  interface Window {
    longTasks: number[];
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; type?: string } };
}

/** Main-thread tasks of the page's renderer in a trace: CPU and wall ms, and what ran in each. */
function mainTasks(events: TraceEvent[]): { cpu: number; wall: number; what: string }[] {
  const main = events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const tasks = events.filter(
    (e) => e.name === "RunTask" && e.ph === "X" && main.some((m) => m.pid === e.pid && m.tid === e.tid),
  );
  // What a task ran: the names of the trace events it holds (function calls, messages, layout).
  const inner = events.filter(
    (e) =>
      e.ph === "X" &&
      e.name !== "RunTask" &&
      main.some((m) => m.pid === e.pid && m.tid === e.tid) &&
      (e.dur ?? 0) > 2000,
  );
  return tasks.map((t) => {
    const held = inner
      .filter((e) => e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0))
      .map((e) => {
        const d = e.args?.data;
        return `${e.name}${d?.type ? `:${d.type}` : ""}${d?.functionName ? `:${d.functionName}` : ""}`;
      });
    return {
      cpu: (t.tdur ?? 0) / 1000,
      wall: (t.dur ?? 0) / 1000,
      what: [...new Set(held)].slice(0, 6).join(", "),
    };
  });
}

async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.longTasks = [];
    performance.clearMeasures();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: "longtask" });
  });
}

const CATALOG = readdirSync("scenarios")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""));
const RUNS: (readonly [string, string | null])[] = BENCH
  ? [
      ["retry-storm", null],
      ["retry-storm", "5×"],
      ["retry-storm", "20×"],
      ...CATALOG.map((s) => [s, "max"] as const),
    ]
  : [
      ["retry-storm", null],
      ["autoscaling-lag", "max"],
    ];

async function traced<T>(browser: Browser, page: Page, during: () => Promise<T>): Promise<TraceEvent[]> {
  await browser.startTracing(page, {
    categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"],
  });
  await during();
  return (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
}

for (const [scenario, speed] of RUNS) {
  test(`${scenario} at ${speed ?? "the default speed"}: no main-thread task over ${BUDGET_MS} ms of CPU, charts redrawn at most every ${REDRAW_GAP_MS} ms`, async ({
    page,
    browser,
  }) => {
    await page.goto(`/?example=${scenario}&view=topology`);
    await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", scenario);
    if (speed) await page.locator(".speed button", { hasText: speed }).click();
    await recordLongTasks(page);
    const started = Date.now();
    const events = await traced(browser, page, async () => {
      await page.locator('[data-action="run"]').click();
      // A cheap check once a second: the test's own polling must not add long tasks of its own.
      await page.waitForFunction(
        () => document.querySelector(".verdict[data-verdict]:not([data-verdict=pending])") !== null,
        null,
        { polling: 1000, timeout: 110_000 },
      );
      // The last charts are drawn in the frames after the verdict.
      await page.waitForTimeout(1000);
    });
    const seconds = (Date.now() - started) / 1000;
    const tasks = mainTasks(events);
    const wall = await page.evaluate(() => window.longTasks);
    const draws = await page.evaluate(() =>
      performance.getEntriesByName("chart-draw").map((e) => ({
        chart: String((e as PerformanceMeasure).detail),
        start: e.startTime,
        ms: e.duration,
      })),
    );
    const ms = (x: number | undefined) => Math.round(x ?? 0);
    const byCpu = [...tasks].sort((a, b) => b.cpu - a.cpu);
    const sorted = draws.map((d) => d.ms).sort((a, b) => a - b);
    console.log(
      `${scenario} at ${speed ?? "default"} (${seconds.toFixed(1)} s): ${tasks.length} main-thread tasks, ` +
        `most CPU ${ms(byCpu[0]?.cpu)} ms (wall ${ms(byCpu[0]?.wall)} ms); ` +
        `long tasks by wall clock: ${wall.length}, longest ${ms(Math.max(0, ...wall))} ms; ` +
        `${draws.length} chart draws, median ${ms(sorted[sorted.length >> 1])} ms, longest ${ms(sorted.at(-1))} ms`,
    );
    for (const t of byCpu.slice(0, 3)) console.log(`  ${ms(t.cpu)} ms CPU (${ms(t.wall)} wall): ${t.what}`);
    const over = byCpu.filter((t) => t.cpu > BUDGET_MS);
    for (const t of over) console.log(`  over budget: ${ms(t.cpu)} ms CPU (${ms(t.wall)} wall): ${t.what}`);
    // The trace saw the run (a run's reports and draws are tasks of their own).
    expect(tasks.length).toBeGreaterThan(10);
    // A short run at full speed (gc-pause) may end before most charts are redrawn: one draw is enough.
    expect(draws.length).toBeGreaterThan(0);
    // Consecutive draws of one chart are apart by at least the redraw interval.
    const byChart = new Map<string, typeof draws>();
    for (const d of draws) byChart.set(d.chart, [...(byChart.get(d.chart) ?? []), d]);
    for (const [chart, list] of byChart)
      for (let i = 1; i < list.length; i++)
        expect(list[i]!.start - list[i - 1]!.start, chart).toBeGreaterThanOrEqual(REDRAW_GAP_MS);
    expect(
      over.map((t) => `${ms(t.cpu)} ms: ${t.what}`),
      `tasks over ${BUDGET_MS} ms of CPU`,
    ).toEqual([]);
  });
}
