import { spawnSync } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
import { watchErrors } from "./page-errors.js";

const SHOTS = "test-results/screenshots";

async function openAnalysis(page: Page, name: string): Promise<void> {
  await page.goto("/");
  await page.locator('[data-tab="catalog"]').click();
  await page.locator(`[data-scenario="${name}"]`).click();
  await page.locator('[data-tab="analysis"]').click();
}

async function setField(page: Page, scope: string, name: string, value: string): Promise<void> {
  const input = page.locator(`${scope} input[name="${name}"]`);
  await input.fill(value);
  await input.press("Tab");
}

test("the storm and its mitigated variant side by side: one stays stuck, the other recovers", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openAnalysis(page, "retry-storm");
  const section = page.locator('[data-analysis="compare"]');
  await section.locator('select[name="variant"]').selectOption("retry-storm-backoff-drop-expired.yaml");
  await setField(page, '[data-analysis="compare"]', "replications", "2");
  await section.locator('[data-action="compare"]').click();
  await expect(section.locator('[data-side="1"] .verdict')).toBeVisible({ timeout: 90_000 });
  await expect(section.locator('[data-side="0"] .verdict')).toHaveAttribute("data-verdict", "metastable");
  await expect(section.locator('[data-side="1"] .verdict')).toHaveAttribute("data-verdict", "recovered");
  await section.locator('[data-side="1"] [data-chart="goodput"]').scrollIntoViewIfNeeded();
  await expect(section.locator("[data-chart][data-points]")).toHaveCount(4);
  await expect(section.locator("table.phases tbody tr")).toHaveCount(3);
  await section.screenshot({ path: `${SHOTS}/compare.png` });
  expect(errors).toEqual([]);
});

test("a phase map computed in the browser and the same map computed by the server agree", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openAnalysis(page, "retry-storm");
  const section = page.locator('[data-analysis="map"]');
  const scope = '[data-analysis="map"]';
  await setField(page, scope, "x from", "0.5");
  await setField(page, scope, "x to", "1");
  await setField(page, scope, "x steps", "2");
  await setField(page, scope, "y from", "0.5");
  await setField(page, scope, "y to", "1");
  await setField(page, scope, "y steps", "2");
  await setField(page, scope, "replications", "1");
  const cells = async () => section.locator("[data-map]").getAttribute("data-map");
  await section.locator('select[name="where"]').selectOption("browser");
  await section.locator('[data-action="map"]').click();
  await expect(section.locator(".job")).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  await expect(section.locator("figure.chart[data-points]")).toHaveCount(2);
  const inBrowser = await cells();
  expect(JSON.parse(inBrowser!)).toHaveLength(4);
  await section.screenshot({ path: `${SHOTS}/phase-map.png` });

  await section.locator('select[name="where"]').selectOption("server");
  await section.locator('[data-action="map"]').click();
  await expect(section.locator(".job")).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  await expect(section.locator("figure.chart[data-points]")).toHaveCount(2);
  expect(await cells()).toBe(inBrowser);

  // A bigger map, cancelled once it is under way, leaves the view usable.
  await setField(page, scope, "x steps", "6");
  await setField(page, scope, "replications", "3");
  await section.locator('select[name="where"]').selectOption("browser");
  await section.locator('[data-action="map"]').click();
  await expect(section.locator(".job progress")).toBeVisible();
  await section.locator('[data-action="cancel-map"]').click();
  await expect(section.locator(".job")).toHaveAttribute("data-status", "cancelled");
  await expect(section.locator('[data-action="map"]')).toBeEnabled();
  expect(errors).toEqual([]);
});

test("thresholds found in the browser match the CLI's", async ({ page }) => {
  const errors = watchErrors(page);
  await openAnalysis(page, "gc-pause");
  const section = page.locator('[data-analysis="thresholds"]');
  await setField(page, '[data-analysis="thresholds"]', "replications", "1");
  await section.locator('[data-action="thresholds"]').click();
  await expect(section.locator('[data-result="thresholds"]')).toBeVisible({ timeout: 90_000 });
  const cli = spawnSync(
    process.execPath,
    ["bin/metastable.js", "threshold", "scenarios/gc-pause.yaml", "--replications", "1", "--json"],
    { encoding: "utf8", timeout: 120_000 },
  );
  expect(cli.status, cli.stderr).toBe(0);
  const tip = JSON.parse(cli.stdout).tip.rate as number;
  await expect(section.locator("tbody tr").first()).toContainText(`${Number(tip.toPrecision(3))} req/s`);
  await section.screenshot({ path: `${SHOTS}/thresholds.png` });
  expect(errors).toEqual([]);
});
