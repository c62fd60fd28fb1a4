import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { bandSentence, chainSentence } from "../../src/report/fluid-summary.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { watchErrors } from "./page-errors.js";

// The fluid tab shows what `metastable fluid` computes for the open scenario (the band, the
// equilibria, the portrait), follows the load slider as it is dragged, and says why when the fluid
// model does not cover a scenario.

const SHOTS = "test-results/screenshots";

const analyse = (file: string, load?: number) =>
  analyseScenarioFluid(
    parseScenarioText(readFileSync(`scenarios/${file}.yaml`, "utf8"), `${file}.yaml`),
    load === undefined ? {} : { load },
  );

test("the fluid tab shows the band and the portrait, and follows the load slider", async ({ page }) => {
  const errors = watchErrors(page);
  const own = analyse("retry-storm");
  await page.goto("/?example=retry-storm&view=topology&panel=fluid");
  const panel = page.locator(".fluid-panel");
  await expect(panel).toHaveAttribute("data-fluid-state", "current");
  await expect(panel).toHaveAttribute("data-fluid-load", String(own.load));
  await expect(page.locator(".fluid-band")).toContainText(bandSentence(own));
  await expect(page.locator('[data-chart="fluid-portrait"]')).toHaveAttribute("data-points", /^[1-9]\d*$/);
  await page.screenshot({ path: `${SHOTS}/fluid.png`, fullPage: true });

  // Dragging: each step of the slider asks again; the panel settles on the last load asked for.
  const slider = page.locator("[data-fluid-slider]");
  await slider.focus();
  for (let i = 0; i < 12; i++) await slider.press("ArrowRight");
  const value = Number(await slider.inputValue());
  expect(value).toBeGreaterThan(own.load);
  await expect(panel).toHaveAttribute("data-fluid-load", String(value));
  await expect(panel).toHaveAttribute("data-fluid-state", "current");
  const moved = analyse("retry-storm", value);
  await expect(page.locator(".fluid-panel caption")).toContainText(`${Number(value.toPrecision(3))} req/s`);
  await expect(page.locator(".fluid-panel")).toContainText(moved.tippingDisturbance.note);
  console.log(`fluid analysis of retry-storm in the page: ${await panel.getAttribute("data-fluid-ms")} ms`);

  // On a phone the tab fits the width (the equilibria table scrolls inside its pane).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-tab="fluid"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/fluid-390.png`, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(errors).toEqual([]);
});

test("the fluid tab says why it does not cover a scenario", async ({ page }) => {
  const errors = watchErrors(page);
  // Coalesced cache reads are outside the fluid model (plain caches over a database are in it).
  await page.goto("/?example=cache-flush-coalescing&view=topology&panel=fluid");
  await expect(page.locator(".fluid-panel")).toHaveAttribute("data-fluid-state", "refused");
  await expect(page.locator("[data-fluid-refusal]")).toContainText("coalesced reads");
  await page.screenshot({ path: `${SHOTS}/fluid-refused.png` });
  expect(errors).toEqual([]);
});

test("the fluid tab names a multi-tier chain and its attempts per layer", async ({ page }) => {
  const errors = watchErrors(page);
  const chain = chainSentence(analyse("multi-tier-retry-storm"))!;
  // Three layers of 3 attempts: 27 at the database when every attempt fails.
  expect(chain.multiply).toContain("3 x 3 x 3 = 27");
  await page.goto("/?example=multi-tier-retry-storm&view=topology&panel=fluid");
  await expect(page.locator(".fluid-panel")).toHaveAttribute("data-fluid-state", "current");
  await expect(page.locator(".fluid-model")).toContainText(chain.path);
  await expect(page.locator(".fluid-model")).toContainText(chain.multiply);
  await page.screenshot({ path: `${SHOTS}/fluid-chain.png` });
  expect(errors).toEqual([]);
});
