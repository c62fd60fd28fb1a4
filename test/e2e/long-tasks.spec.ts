import { expect, type Page, test } from "@playwright/test";

// Live runs must not freeze the page: the engine runs in a worker, and the page's own work (taking
// the worker's reports, laying out and drawing charts) is spread so no task holds the main thread
// long. What always holds is checked in every run of the suite: each chart is redrawn at most once
// a second. The time budget is a benchmark (`npm run bench:web`, BENCH_WEB=1): on a shared, busy
// machine a task's length says more about the machine than about the page.

/** The longest main-thread task a run may cause, in ms (the browser's own "long task" line). */
const BUDGET_MS = 50;
const BENCH = process.env.BENCH_WEB === "1";

declare global {
  interface Window {
    longTasks: number[];
  }
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

const RUNS = BENCH
  ? ([
      ["retry-storm", null],
      ["retry-storm", "max"],
      ["autoscaling-lag", "max"],
      ["cache-flush", "max"],
      ["lease-renewal-storm", "max"],
    ] as const)
  : ([["retry-storm", null]] as const);

for (const [scenario, speed] of RUNS) {
  test(`${scenario} at ${speed ?? "the default speed"}: charts redrawn at most once a second${BENCH ? `, no task over ${BUDGET_MS} ms` : ""}`, async ({
    page,
  }) => {
    await page.goto(`/?example=${scenario}&view=topology`);
    await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", scenario);
    if (speed) await page.locator(".speed button", { hasText: speed }).click();
    await recordLongTasks(page);
    const started = Date.now();
    await page.locator('[data-action="run"]').click();
    // A cheap check once a second: the test's own polling must not add long tasks of its own.
    await page.waitForFunction(
      () => document.querySelector(".verdict[data-verdict]:not([data-verdict=pending])") !== null,
      null,
      { polling: 1000, timeout: 110_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    const tasks = await page.evaluate(() => window.longTasks);
    const draws = await page.evaluate(() =>
      performance.getEntriesByName("chart-draw").map((e) => ({
        chart: String((e as PerformanceMeasure).detail),
        start: e.startTime,
        ms: e.duration,
      })),
    );
    const sorted = draws.map((d) => d.ms).sort((a, b) => a - b);
    const total = tasks.reduce((a, b) => a + b, 0);
    const ms = (x: number | undefined) => Math.round(x ?? 0);
    console.log(
      `${scenario} at ${speed ?? "default"} (${seconds.toFixed(1)} s): ${tasks.length} long tasks, ${ms(total)} ms in all, ` +
        `longest ${ms(Math.max(0, ...tasks))} ms; ${draws.length} chart draws, median ${ms(sorted[sorted.length >> 1])} ms, ` +
        `longest ${ms(sorted.at(-1))} ms`,
    );
    // Consecutive draws of one chart are at least a second apart (a little slack for timers).
    const byChart = new Map<string, typeof draws>();
    for (const d of draws) byChart.set(d.chart, [...(byChart.get(d.chart) ?? []), d]);
    for (const [chart, list] of byChart)
      for (let i = 1; i < list.length; i++)
        expect(list[i]!.start - list[i - 1]!.start, chart).toBeGreaterThanOrEqual(990);
    if (BENCH) expect(Math.max(0, ...tasks)).toBeLessThanOrEqual(BUDGET_MS);
  });
}
