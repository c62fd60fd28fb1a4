import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, type Page, test } from "@playwright/test";

// Every view passes axe-core's WCAG 2.1 A and AA rules, and every view is photographed (wide and
// at a phone's 390 px) into test-results/screenshots/ for a person to look at.

const SHOTS = "test-results/screenshots";
// Evaluated rather than added as a script tag: the page's CSP rightly refuses inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: Violation[] }> } }
    ).axe;
    const r = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return r.violations;
  });
  return found.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const VIEWS = ["catalog", "topology", "timeline", "yaml"] as const;

for (const width of [1440, 390]) {
  test(`every view at ${width} px passes axe's WCAG 2.1 AA checks`, async ({ page }) => {
    await page.setViewportSize({ width, height: width > 1000 ? 1000 : 844 });
    await page.goto("/?example=retry-storm&view=catalog");
    await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "retry-storm");
    const problems: string[] = [];
    for (const view of VIEWS) {
      await page.locator(`[data-tab="${view}"]`).click();
      await page.waitForTimeout(200);
      problems.push(...(await violations(page)).map((v) => `${view}: ${v}`));
      await page.screenshot({ path: `${SHOTS}/view-${view}-${width}.png`, fullPage: width < 1000 });
    }
    await page.locator("[data-about] summary").click();
    problems.push(...(await violations(page)).map((v) => `about: ${v}`));
    await page.screenshot({ path: `${SHOTS}/view-about-${width}.png` });
    await page.locator("[data-about] summary").click();
    await page.locator('[data-tab="topology"]').click();
    await page.locator(".speed button", { hasText: "max" }).click();
    await page.locator('[data-action="run"]').click();
    await expect(page.locator(".verdict[data-verdict]:not([data-verdict=pending])")).toBeVisible({
      timeout: 90_000,
    });
    problems.push(...(await violations(page)).map((v) => `run: ${v}`));
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      "run view width",
    ).toBeLessThanOrEqual(width);
    // Charts are drawn as they come into view: bring each in once, so the picture shows them all.
    for (const chart of await page.locator("[data-chart]").all()) {
      await chart.scrollIntoViewIfNeeded();
      await expect(chart).toHaveAttribute("data-points", /\d/);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/view-run-${width}.png`, fullPage: true });
    await page.screenshot({ path: `${SHOTS}/view-run-top-${width}.png` });
    await page.locator('[data-tab="analysis"]').click();
    problems.push(...(await violations(page)).map((v) => `analysis: ${v}`));
    await page.screenshot({ path: `${SHOTS}/view-analysis-${width}.png`, fullPage: true });
    // Nothing is wider than the window (no sideways scrolling).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    expect(problems).toEqual([]);
  });
}
