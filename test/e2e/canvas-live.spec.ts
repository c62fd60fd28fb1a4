import { expect, test } from "@playwright/test";
import { watchErrors } from "./page-errors.js";

// The topology stays on screen during a run and shows each working component's live state: its
// queue, how busy it is, what it finishes, and whether it is stuck (most of its work wasted).

const SHOTS = "test-results/screenshots";

test("the canvas shows each component's live state during a run, and the stuck database after a cache flush", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?example=cache-flush&view=topology");
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "cache-flush");
  await expect(page.locator(".live-label")).toHaveCount(0);
  await page.locator('[data-action="run"]').click();
  // Before the flush at 20 s the database keeps up.
  const db = page.locator('[data-node="db"] .live-label');
  await expect(db).toHaveAttribute("data-live", "healthy");
  await expect(db).toContainText(/q \d+ · \d+% · [\d.]+\/s/);
  await page.locator(".speed button", { hasText: "max" }).click();
  await expect(page.locator(".verdict[data-verdict=metastable]")).toBeVisible({ timeout: 60_000 });
  // After it, the database works flat out on answers nobody waits for.
  await expect(db).toHaveAttribute("data-live", "stuck");
  await expect(page.locator('[data-node="db"]')).toHaveAttribute("aria-label", /db database stuck q \d+/);
  await page.locator(".canvas").screenshot({ path: `${SHOTS}/canvas-live.png` });
  expect(errors).toEqual([]);
});
