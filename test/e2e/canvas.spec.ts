import { expect, type Locator, type Page, test } from "@playwright/test";
import { watchErrors } from "./page-errors.js";
import { readYaml } from "./yaml-editor.js";

// The topology canvas as a person uses it: zoom and pan it (wheel, dragging the background, the
// buttons, the keys), add components from the palette where they are dropped, and wire a service's
// call steps by dragging from its port. Expected positions follow from the view the page reports
// (`data-view`: drawing x and y at the canvas's top-left, screen pixels per drawing unit).

const SHOTS = "test-results/screenshots";
const NODE_W = 132;
const NODE_H = 46;

async function openTopology(page: Page, example: string): Promise<void> {
  await page.goto(`/?example=${example}&view=topology`);
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", example);
  await expect(page.locator("svg.topology [data-node]").first()).toBeVisible();
}

async function viewOf(page: Page): Promise<{ x: number; y: number; k: number }> {
  const [x, y, k] = (await page.locator("svg.topology").getAttribute("data-view"))!.split(" ").map(Number);
  return { x: x!, y: y!, k: k! };
}

async function centreOf(l: Locator): Promise<{ x: number; y: number }> {
  const b = (await l.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** A spot on the canvas's background, left of the first column of nodes. */
async function background(page: Page): Promise<{ x: number; y: number }> {
  const b = (await page.locator("svg.topology").boundingBox())!;
  return { x: b.x + 8, y: b.y + b.height - 8 };
}

test("the canvas zooms and pans by wheel, background drag, buttons and keys; Fit shows every node", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openTopology(page, "retry-storm");
  const canvas = page.locator("svg.topology");
  const fit = await viewOf(page);
  await expect(page.locator('[data-action="fit"]')).toHaveAttribute("aria-pressed", "true");
  // Fitted: every node is inside the canvas.
  const box = (await canvas.boundingBox())!;
  for (const n of await page.locator("[data-node] rect").all()) {
    const r = (await n.boundingBox())!;
    expect(r.x).toBeGreaterThanOrEqual(box.x);
    expect(r.x + r.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
  }

  // The + button: 1.25 times, about the canvas's centre (the centre's drawing point stays).
  await page.locator('[data-action="zoom-in"]').click();
  const zoomed = await viewOf(page);
  expect(zoomed.k).toBeCloseTo(fit.k * 1.25, 2);
  const cx = box.width / 2;
  expect(zoomed.x + cx / zoomed.k).toBeCloseTo(fit.x + cx / fit.k, 0);
  await expect(page.locator('[data-action="fit"]')).toHaveAttribute("aria-pressed", "false");
  await expect(page.locator(".zoom-level")).toHaveText(`${Math.round(zoomed.k * 100)}%`);

  // The wheel zooms about the pointer: the server's box stays under it while it grows.
  const server = page.locator('[data-node="server"] rect');
  const before = (await server.boundingBox())!;
  await page.mouse.move(before.x + 10, before.y + 10);
  await page.mouse.wheel(0, -200);
  await expect.poll(async () => (await viewOf(page)).k).toBeGreaterThan(zoomed.k * 1.2);
  const after = (await server.boundingBox())!;
  expect(after.width).toBeGreaterThan(before.width * 1.2);
  expect(Math.abs(after.x + 10 * (after.width / before.width) - (before.x + 10))).toBeLessThan(3);

  // Dragging the background pans: the server moves with the pointer, 60 px right and 30 px up.
  const grab = await background(page);
  const start = (await server.boundingBox())!;
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + 60, grab.y - 30, { steps: 6 });
  await page.mouse.up();
  const moved = (await server.boundingBox())!;
  expect(moved.x - start.x).toBeCloseTo(60, 0);
  expect(moved.y - start.y).toBeCloseTo(-30, 0);
  // Panning moves the view only: the scenario has no layout written.
  expect(await readYaml(page)).not.toContain("layout:");
  await page.locator('[data-tab="topology"]').click();

  // Keys on the focused canvas: - zooms out, an arrow pans 40 px, 0 fits again.
  await canvas.focus();
  const k0 = (await viewOf(page)).k;
  await page.keyboard.press("-");
  expect((await viewOf(page)).k).toBeCloseTo(k0 / 1.25, 2);
  const v1 = await viewOf(page);
  await page.keyboard.press("ArrowLeft");
  const v2 = await viewOf(page);
  expect(v2.x).toBeCloseTo(v1.x - 40 / v1.k, 0);
  await page.keyboard.press("0");
  expect(await viewOf(page)).toEqual(fit);
  await page.locator('[data-action="zoom-out"]').click();
  await page.locator('[data-action="fit"]').click();
  expect(await viewOf(page)).toEqual(fit);
  expect(errors).toEqual([]);
});

test("a component type dragged from the palette is added where it is dropped; pressing one adds it in view", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openTopology(page, "retry-storm");
  const canvas = page.locator("svg.topology");
  // The palette lists the registry's types, in its order.
  await expect(page.locator("[data-palette]")).toHaveText([
    "source",
    "client",
    "server",
    "service",
    "balancer",
    "autoscaler",
    "cache",
    "database",
    "leaseFleet",
    "pool",
    "configPipeline",
  ]);
  // Zoom in first, so the drop point's drawing position depends on the view.
  await page.locator('[data-action="zoom-in"]').click();
  const view = await viewOf(page);
  const box = (await canvas.boundingBox())!;
  const drop = { x: box.width * 0.6, y: box.height * 0.8 };
  await page
    .locator('[data-palette="database"]')
    .dragTo(canvas, { targetPosition: { x: drop.x, y: drop.y } });
  const node = page.locator('[data-node="database"]');
  await expect(node).toBeVisible();
  // Its box is centred on the drop point: drawing point = view corner + pixels / scale.
  // The drawing starts inside the canvas's 1 px border.
  const x = Math.round(view.x + (drop.x - 1) / view.k - NODE_W / 2);
  const y = Math.round(view.y + (drop.y - 1) / view.k - NODE_H / 2);
  const m = /^translate\((-?\d+),(-?\d+)\)$/.exec((await node.getAttribute("transform"))!)!;
  expect(Math.abs(Number(m[1]) - x)).toBeLessThanOrEqual(1);
  expect(Math.abs(Number(m[2]) - y)).toBeLessThanOrEqual(1);
  // Its form opens, and it starts valid.
  await expect(page.locator('[data-form="databases.database"]')).toBeVisible();
  await expect(page.locator("ul.issues li")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/canvas-palette-drop.png` });
  const text = await readYaml(page);
  expect(text).toMatch(/databases:\n {2}database: \{ serviceTime: \{ kind: exponential, mean: 0\.01 \} \}\n/);
  expect(text).toContain(`  database: { x: ${m[1]}, y: ${m[2]} }`);

  // With the keyboard: Tab to a palette entry, Enter adds one in the middle of the view.
  await page.locator('[data-tab="topology"]').click();
  await page.locator('[data-palette="server"]').focus();
  await page.keyboard.press("Enter");
  const added = page.locator('[data-node="server2"]');
  await expect(added).toBeVisible();
  const c = await centreOf(added.locator("rect"));
  const cb = (await canvas.boundingBox())!;
  expect(Math.abs(c.x - (cb.x + cb.width / 2))).toBeLessThan(3);
  expect(Math.abs(c.y - (cb.y + cb.height / 2))).toBeLessThan(3);
  // One undo takes the whole addition back (entry and place).
  await page.locator('[data-action="undo"]').click();
  await expect(added).toHaveCount(0);
  expect(await readYaml(page)).not.toContain("server2");
  expect(errors).toEqual([]);
});

test("a service is wired by call steps on the canvas; renames follow them", async ({ page }) => {
  const errors = watchErrors(page);
  await openTopology(page, "multi-tier-retry-storm");
  // The catalog's call steps are drawn: api calls web, web calls the pool.
  await expect(page.locator('[data-edge="api.steps.1.target->web"]')).toHaveCount(1);
  await expect(page.locator('[data-edge="web.steps.1.target->db-pool"]')).toHaveCount(1);
  await expect(page.locator('[data-edge="api.steps.1.target->web"] title')).toHaveText(
    "api calls web (step 2)",
  );

  const drawLink = async (from: string, to: string) => {
    const port = await centreOf(page.locator(`[data-node="${from}"] .port`));
    const target = await centreOf(page.locator(`[data-node="${to}"] rect`));
    await page.mouse.move(port.x, port.y);
    await page.mouse.down();
    await page.mouse.move(target.x, target.y, { steps: 8 });
    await page.mouse.up();
  };
  // web -> api would be a cycle (api calls web): refused, with the reason shown, nothing written.
  await drawLink("web", "api");
  await expect(page.locator("[data-refused]")).toHaveText("web (service) cannot be connected to api.");
  // web -> db: a third step, calling the database directly.
  await drawLink("web", "db");
  await expect(page.locator('[data-edge="web.steps.2.target->db"]')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/canvas-service-call.png` });
  expect(await readYaml(page)).toContain(
    "        backoff: { kind: none }\n      - { kind: call, target: db }\n",
  );

  // Renaming the database in its form renames the new call step's target too.
  await page.locator('[data-tab="topology"]').click();
  await page.locator('[data-component="db"]').click();
  const name = page.locator('input[name="component-name"]');
  await name.fill("primary");
  await name.press("Tab");
  await expect(page.locator('[data-edge="web.steps.2.target->primary"]')).toHaveCount(1);
  // ...and renaming a service renames the step that calls it.
  await page.locator('[data-component="web"]').click();
  await name.fill("frontend");
  await name.press("Tab");
  await expect(page.locator('[data-edge="api.steps.1.target->frontend"]')).toHaveCount(1);
  const text = await readYaml(page);
  expect(text).toContain("      - { kind: call, target: primary }\n");
  expect(text).toContain("      - kind: call\n        target: frontend\n");
  expect(text).toContain("backends: [ primary ]");
  expect(text).not.toMatch(/target: (web|db)\n/);
  // The scenario is still valid: it can be run.
  await expect(page.locator('[data-action="run"]')).toBeEnabled();
  await page.locator('[data-tab="topology"]').click();
  await page.screenshot({ path: `${SHOTS}/canvas-service-renamed.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('[data-action="fit"]').click();
  await page.screenshot({ path: `${SHOTS}/canvas-390.png`, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(errors).toEqual([]);
});
