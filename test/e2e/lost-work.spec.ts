import { expect, type Page, test } from "@playwright/test";
import { watchErrors } from "./page-errors.js";
import { readYaml } from "./yaml-editor.js";

// Nothing a person does is lost or silently changed: typed numbers stay with their error, every
// edit can be undone, results say when they belong to another version, work survives a reload,
// the back button moves between views, and the canvas offers only connections that work.

const SHOTS = "test-results/screenshots";

const field = (page: Page, path: string) => page.locator(`[data-field="${path}"] > .field-row input`);

async function type(page: Page, path: string, text: string): Promise<void> {
  await field(page, path).fill(text);
  await field(page, path).press("Tab");
}

test("a number field keeps what was typed with its error; undo and redo step through edits", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?example=retry-storm&view=topology");
  await page.locator('[data-component="client"]').click();
  const before = await readYaml(page);
  await page.locator('[data-tab="topology"]').click();

  await type(page, "clients.client.timeout", "abc");
  await expect(field(page, "clients.client.timeout")).toHaveValue("abc");
  await expect(page.locator('[data-field="clients.client.timeout"] .field-error')).toContainText(
    'expected a number, got "abc"',
  );
  await expect(page.locator('[data-action="run"]')).toBeDisabled();
  await type(page, "clients.client.timeout", "1e400");
  await expect(page.locator('[data-field="clients.client.timeout"] .field-error')).toContainText("too large");
  await page.screenshot({ path: `${SHOTS}/number-field-error.png` });
  // The scenario still holds the last good value: nothing was deleted behind the field.
  expect(await readYaml(page)).toBe(before);

  await page.locator('[data-tab="topology"]').click();
  await type(page, "clients.client.timeout", "0.8");
  await expect(page.locator('[data-action="run"]')).toBeEnabled();
  await type(page, "clients.client.maxAttempts", "2");
  expect(await readYaml(page)).toContain("timeout: 0.8\n    maxAttempts: 2\n");

  await page.locator('[data-action="undo"]').click();
  expect(await readYaml(page)).toContain("timeout: 0.8\n    maxAttempts: 5\n");
  await page.locator('[data-action="undo"]').click();
  expect(await readYaml(page)).toBe(before);
  await page.locator('[data-action="redo"]').click();
  expect(await readYaml(page)).toContain("timeout: 0.8\n");
  // The keyboard too, outside text fields.
  await page.locator("h1").click();
  await page.keyboard.press("ControlOrMeta+z");
  expect(await readYaml(page)).toBe(before);
  expect(errors).toEqual([]);
});

test("analysis inputs are checked at the field", async ({ page }) => {
  await page.goto("/?example=retry-storm&view=topology&panel=analysis");
  for (const section of ["compare", "thresholds"]) {
    const s = page.locator(`[data-analysis="${section}"]`);
    for (const bad of ["0", ""]) {
      // The example loads after the page does and may re-render the panel once: retry the typing
      // until the field holds it, rather than racing the load.
      await expect(async () => {
        await s.locator('input[name="replications"]').fill(bad);
        await s.locator('input[name="replications"]').press("Tab");
        await expect(s.locator('input[name="replications"]')).toHaveValue(bad, { timeout: 1000 });
        await expect(s.locator(".field-error")).toBeVisible({ timeout: 1000 });
      }).toPass({ timeout: 30_000 });
      await expect(s.locator("button[data-action]")).toBeDisabled();
    }
    await s.locator('input[name="replications"]').fill("2");
    await s.locator('input[name="replications"]').press("Tab");
    await expect(s.locator(".field-error")).toHaveCount(0);
  }
  // The map's axes are picked from the scenario's own numbers.
  const map = page.locator('[data-analysis="map"]');
  await map.locator('select[name="y-param"]').selectOption("servers.server.concurrency");
  await expect(map.locator('input[name="y from"]')).toHaveValue("1");
  await expect(map.locator('input[name="y to"]')).toHaveValue("2");
  await map.screenshot({ path: `${SHOTS}/map-axes.png` });
});

test("results say when the scenario changed, and go when another opens", async ({ page }) => {
  await page.goto("/?example=gc-pause&view=topology");
  await page.locator(".speed button", { hasText: "max" }).click();
  await page.locator('[data-action="run"]').click();
  await expect(page.locator(".verdict[data-verdict]:not([data-verdict=pending])")).toBeVisible({
    timeout: 90_000,
  });
  await expect(page.locator("[data-stale]")).toHaveCount(0);
  await page.locator('[data-component="server"]').click();
  await type(page, "servers.server.concurrency", "3");
  await expect(page.locator("[data-stale]")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/stale-results.png` });
  await page.locator('[data-action="undo"]').click();
  await expect(page.locator("[data-stale]")).toHaveCount(0);

  await page.locator('[data-tab="catalog"]').click();
  await page.locator('[data-scenario="retry-storm"]').click();
  await expect(page.locator(".verdict")).toHaveCount(0);
  // Focus stays in the editor's tabs, not lost to the page.
  await expect(page.locator('[data-tab="topology"]')).toBeFocused();
});

test("work survives a reload; back and forward move between views and examples", async ({ page }) => {
  await page.goto("/?example=retry-storm&view=topology");
  await page.locator('[data-component="server"]').click();
  await type(page, "servers.server.concurrency", "2");
  // Saved a moment after the edit.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("metastable:work") ?? ""))
    .toContain("concurrency: 2");
  await page.reload();
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "retry-storm");
  expect(await readYaml(page)).toContain("concurrency: 2");

  await page.locator('[data-tab="catalog"]').click();
  await page.locator('[data-scenario="gc-pause"]').click();
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "gc-pause");
  expect(page.url()).toContain("example=gc-pause");
  await page.goBack();
  await expect(page.locator('[data-tab="catalog"]')).toHaveAttribute("aria-selected", "true");
  await page.goBack();
  await expect(page.locator('[data-tab="yaml"]')).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "retry-storm");
  await page.goForward();
  await page.goForward();
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "gc-pause");
});

test("the last run's verdict and charts come back after a reload, marked stale once the scenario changed", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?example=retry-storm&view=topology");
  await page.locator(".speed button", { hasText: "max" }).click();
  await page.locator('[data-action="run"]').click();
  const verdict = page.locator(".verdict[data-verdict]:not([data-verdict=pending])");
  await expect(verdict).toBeVisible({ timeout: 60_000 });
  const kind = await verdict.getAttribute("data-verdict");
  const text = await verdict.textContent();
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("metastable:results")?.length ?? 0))
    .toBeGreaterThan(1000);

  await page.reload();
  await expect(page.locator("[data-restored]")).toHaveAttribute("data-restored", "current");
  await expect(page.locator(`.verdict[data-verdict="${kind}"]`)).toHaveText(text!);
  await expect(page.locator("[data-stale]")).toHaveCount(0);
  const goodput = page.locator('[data-chart="goodput"]');
  await goodput.scrollIntoViewIfNeeded();
  await expect(goodput).toHaveAttribute("data-points", /^[1-9]\d+$/);
  await expect(page.locator('[data-chart="load-profile"]')).toHaveAttribute("data-points", /^[1-9]\d+$/);
  await page.screenshot({ path: `${SHOTS}/results-restored.png` });

  // An edit after the run: the restored results belong to the earlier version.
  await page.locator('[data-component="server"]').click();
  await type(page, "servers.server.concurrency", "3");
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("metastable:work") ?? ""))
    .toContain("concurrency: 3");
  await page.reload();
  await expect(page.locator("[data-restored]")).toHaveAttribute("data-restored", "stale");
  await expect(page.locator("[data-stale]")).toBeVisible();
  await expect(page.locator(`.verdict[data-verdict="${kind}"]`)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/results-restored-stale.png` });

  // Another example opened: its page does not show the retry storm's results.
  await page.goto("/?example=gc-pause&view=topology");
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "gc-pause");
  await expect(page.locator(".verdict")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("the canvas offers only connections the model accepts; a new scenario and new things start valid", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto("/?example=retry-storm&view=topology");
  const port = page.locator('[data-node="users"] .port');
  const from = (await port.boundingBox())!;
  const server = (await page.locator('[data-node="server"] rect').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(server.x + server.width / 2, server.y + server.height / 2, { steps: 6 });
  // While dragging, the server is marked as no place to connect, the client as one.
  await expect(page.locator('[data-node="server"]')).toHaveClass(/cannot-connect/);
  await expect(page.locator('[data-node="client"]')).toHaveClass(/can-connect/);
  await page.screenshot({ path: `${SHOTS}/canvas-connecting.png` });
  await page.mouse.up();
  await expect(page.locator("[data-refused]")).toContainText("cannot be connected");
  expect(await readYaml(page)).toContain("target: client");
  await expect(page.locator("ul.issues")).toHaveCount(0);

  await page.locator('[data-action="new"]').click();
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "my-service");
  await expect(page.locator("ul.issues")).toHaveCount(0);
  for (const type of ["server", "client", "source", "balancer"]) {
    await page.locator('select[aria-label="component type"]').selectOption(type);
    await page.locator(".add-component button").click();
    await expect(page.locator("ul.issues")).toHaveCount(0);
  }
  await page.locator('[data-tab="timeline"]').click();
  await page.locator("button", { hasText: "Add trigger" }).click();
  await expect(page.locator("ul.issues")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/new-scenario-timeline.png` });
  await page.locator(".speed button", { hasText: "max" }).click();
  await page.locator('[data-action="run"]').click();
  await expect(page.locator(".verdict[data-verdict]:not([data-verdict=pending])")).toBeVisible({
    timeout: 90_000,
  });
  expect(errors).toEqual([]);
});
