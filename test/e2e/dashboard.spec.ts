import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { watchErrors } from "./page-errors.js";
import { readYaml, writeYaml } from "./yaml-editor.js";

const SHOTS = "test-results/screenshots";

async function openCatalogScenario(page: Page, name: string): Promise<void> {
  await page.goto("/");
  await page.locator('[data-tab="catalog"]').click();
  await page.locator(`[data-scenario="${name}"]`).click();
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", name);
}

async function runToVerdict(page: Page): Promise<string> {
  await page.locator('[data-action="run"]').click();
  const verdict = page.locator(".verdict[data-verdict]:not([data-verdict=pending])");
  await expect(verdict).toBeVisible({ timeout: 90_000 });
  return (await verdict.getAttribute("data-verdict"))!;
}

test("the retry storm from the catalog runs, draws its charts and gets its verdict", async ({ page }) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await runToVerdict(page);
  await expect(page.locator(".verdict")).toHaveAttribute("data-verdict", "metastable");
  for (const id of ["load-profile", "queue-depth", "latency", "goodput", "timeouts", "retries"]) {
    // Charts are drawn when they scroll into view; a drawn chart says how many points it drew.
    await page.locator(`[data-chart="${id}"]`).scrollIntoViewIfNeeded();
    const chart = page.locator(`[data-chart="${id}"]`);
    await expect(chart.locator("canvas").first()).toBeVisible();
    await expect(chart).toHaveAttribute("data-points", /^\d+$/);
    expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThan(5);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/retry-storm.png` });
  await page.screenshot({ path: `${SHOTS}/retry-storm-full.png`, fullPage: true });
  expect(errors).toEqual([]);
});

/** Sets a number field of the open component form and commits it (change fires on blur). */
async function setNumber(page: Page, field: string, value: string): Promise<void> {
  const input = page.locator(`[data-field="${field}"] > .field-row input`);
  await input.fill(value);
  await input.press("Tab");
}

test("backoff, a retry budget and deadline shedding, set in the forms, make the storm recover; the export runs in the CLI", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await page.locator('[data-component="client"]').click();
  const form = page.locator('[data-form="clients.client"]');
  // Every option shows its documented default.
  await expect(form.locator('[data-field="clients.client.maxAttempts"] .default')).toHaveText("default: 3");
  await expect(form.locator('[data-field="clients.client.timeout"] .default')).toHaveText("default: 1");

  await form.locator('[data-field="clients.client.backoff"] > .field-row select').selectOption("exponential");
  // A required option left out is reported next to it, in the CLI's words.
  await expect(form.locator('[data-field="clients.client.backoff.base"] .field-issues')).toContainText(
    "clients.client.backoff.base: missing required field (expected a number)",
  );
  await expect(page.locator('[data-action="run"]')).toBeDisabled();
  await setNumber(page, "clients.client.backoff.base", "0.5");
  await setNumber(page, "clients.client.backoff.cap", "8");
  await form.locator('[data-field="clients.client.backoff.jitter"] > .field-row select').selectOption("full");
  await form.locator('[data-field="clients.client.retryBudget"] > .field-row input[type=checkbox]').check();
  await expect(form.locator('[data-field="clients.client.retryBudget.ratio"] .default')).toHaveText(
    "default: 0.1",
  );
  await setNumber(page, "clients.client.retryBudget.ratio", "0.05");

  // Backoff and a budget alone leave this server doing work for callers that gave up (see
  // scenarios/retry-storm-retry-budget.yaml); dropping expired calls completes the fix.
  await page.locator('[data-component="server"]').click();
  await page.locator('[data-field="servers.server.dropExpired"] > .field-row select').selectOption("true");
  await expect(page.locator("ul.issues")).toHaveCount(0);

  expect(await runToVerdict(page)).toBe("recovered");
  await expect(page.locator('[data-chart="goodput"][data-points]')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/retry-storm-mitigated.png` });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('[data-action="export"]').click(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "metastable-e2e-"));
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const text = readFileSync(file, "utf8");
  expect(text).toContain("backoff: { kind: exponential, base: 0.5, cap: 8, jitter: full }");
  expect(text).toContain("# Like the seed's client, it takes a late answer"); // comments survive the edits
  const cli = spawnSync(process.execPath, ["bin/metastable.js", "run", file, "--json"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(cli.status, cli.stderr).toBe(0);
  expect(JSON.parse(cli.stdout).verdict.kind).toBe("recovered");
  rmSync(dir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

test("a shared link opens the same scenario", async ({ page, context }) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "gc-pause");
  await page.locator('[data-tab="yaml"]').click();
  await writeYaml(page, (await readYaml(page)).replace("seed: 1\n", "seed: 17\n"));
  const original = await readYaml(page);
  expect(original).toContain("seed: 17");
  await page.locator('[data-action="share"]').click();
  const url = await page.locator("input.share-url").inputValue();
  expect(url).toMatch(/#s=[\w-]+$/);

  const other = await context.newPage();
  const otherErrors = watchErrors(other);
  await other.goto(url);
  await expect(other.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "gc-pause");
  await other.locator('[data-tab="yaml"]').click();
  expect(await readYaml(other)).toBe(original);
  await other.screenshot({ path: `${SHOTS}/shared-link.png` });
  expect([...errors, ...otherErrors]).toEqual([]);
});

test("a dragged node's place is saved in the scenario's layout, exported and restored by a shared link", async ({
  page,
  context,
}) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await page.locator('[data-tab="topology"]').click();
  const node = page.locator('[data-node="server"]');
  const before = await node.getAttribute("transform");
  const box = (await node.locator("rect").boundingBox())!;
  // Grab it left of its port (the port starts a connection, not a move).
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 20 - 120, box.y + box.height / 2 + 90, { steps: 8 });
  await page.mouse.up();
  await expect(node).not.toHaveAttribute("transform", before!);
  const m = /^translate\((\d+),(\d+)\)$/.exec((await node.getAttribute("transform"))!);
  expect(m).not.toBeNull();
  const [, x, y] = m!;

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('[data-action="export"]').click(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "metastable-e2e-"));
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const text = readFileSync(file, "utf8");
  expect(text).toContain(`layout:\n  server: { x: ${x}, y: ${y} }\n`);
  // The CLI takes the layout and runs the scenario as before.
  const cli = spawnSync(process.execPath, ["bin/metastable.js", "run", file, "--json"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(cli.status, cli.stderr).toBe(0);
  rmSync(dir, { recursive: true, force: true });

  await page.locator('[data-action="share"]').click();
  const url = await page.locator("input.share-url").inputValue();
  const other = await context.newPage();
  const otherErrors = watchErrors(other);
  await other.goto(url);
  await expect(other.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "retry-storm");
  await other.locator('[data-tab="topology"]').click();
  await expect(other.locator('[data-node="server"]')).toHaveAttribute("transform", `translate(${x},${y})`);
  // Nodes without a place keep the automatic layout.
  await expect(other.locator('[data-node="client"]')).toHaveAttribute(
    "transform",
    (await page.locator('[data-node="client"]').getAttribute("transform"))!,
  );
  await other.screenshot({ path: `${SHOTS}/topology-layout.png` });
  expect([...errors, ...otherErrors]).toEqual([]);
});

test("an invalid scenario shows the CLI's field errors next to the field and cannot be run", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await page.locator('[data-tab="yaml"]').click();
  const bad = (await readYaml(page)).replace("concurrency: 1", "concurrency: 0");
  await writeYaml(page, bad);
  const dir = mkdtempSync(join(tmpdir(), "metastable-e2e-"));
  writeFileSync(join(dir, "retry-storm.yaml"), bad);
  const cli = spawnSync(
    process.execPath,
    [join(process.cwd(), "bin/metastable.js"), "run", "retry-storm.yaml"],
    {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  rmSync(dir, { recursive: true, force: true });
  expect(cli.status).toBe(2);
  const cliIssue = cli.stderr.split("\n").find((l) => l.includes("servers.server.concurrency"))!;
  expect(cliIssue).toMatch(/^retry-storm\.yaml:\d+:\d+: servers\.server\.concurrency: /);
  await expect(page.locator("ul.issues")).toContainText(cliIssue);
  await expect(page.locator('[data-action="run"]')).toBeDisabled();

  await page.locator('[data-tab="topology"]').click();
  await page.locator('[data-component="server"]').click();
  await expect(page.locator('[data-field="servers.server.concurrency"] .field-issues')).toHaveText(cliIssue);
  await expect(page.locator('[data-node="server"]')).toHaveClass(/broken/);
  await page.screenshot({ path: `${SHOTS}/invalid-field.png` });

  // Text that is not YAML at all: reported with its line, and the page carries on.
  await page.locator('[data-tab="yaml"]').click();
  await writeYaml(page, "name: x\n  duration: [1,\n");
  await expect(page.locator("ul.issues")).toContainText("not valid YAML");
  await page.locator('[data-tab="topology"]').click();
  await expect(page.locator(".notice")).toContainText("does not parse");

  // The same broken file imported: the same error, under the imported file's name.
  await page.locator('input[type="file"]').setInputFiles({
    name: "imported.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from(bad),
  });
  await expect(page.locator("ul.issues")).toContainText(
    cliIssue.replace("retry-storm.yaml", "imported.yaml"),
  );
  expect(errors).toEqual([]);
});

test("pause, step and play control a run", async ({ page }) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await page.locator(".speed button", { hasText: "1×" }).click();
  await page.locator('[data-action="run"]').click();
  await expect(page.locator(".progress")).toHaveAttribute("data-phase", "running");
  await page.locator('[data-action="pause"]').click();
  await expect(page.locator(".progress")).toHaveAttribute("data-phase", "paused");
  const now = async () => Number(/t = ([\d.]+)/.exec((await page.locator(".progress").textContent())!)![1]);
  await page.waitForTimeout(500);
  const paused = await now();
  await page.waitForTimeout(1000);
  expect(await now()).toBe(paused);
  await page.locator('[data-action="step"]').click();
  // One step is one rate window (1 s in this scenario).
  await expect.poll(now).toBeCloseTo(paused + 1, 3);
  await page.locator('[data-action="resume"]').click();
  await expect(page.locator(".progress")).toHaveAttribute("data-phase", "running");
  await expect.poll(now).toBeGreaterThan(paused + 1.2);
  await page.locator('[data-action="cancel"]').click();
  await expect(page.locator(".progress")).toHaveAttribute("data-phase", "cancelled");
  expect(errors).toEqual([]);
});

test("with the server gone the page still edits and runs; a cancelled run leaves it usable", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.route("**/api/**", (route) => route.abort("connectionrefused"));
  await page.goto("/");
  await expect(page.locator(".notice")).toContainText("Cannot load the catalog");
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "my-service");
  await page.locator('[data-action="run"]').click();
  await expect(page.locator(".verdict[data-verdict]:not([data-verdict=pending])")).toBeVisible({
    timeout: 60_000,
  });

  // At 1x, 70 simulated seconds take 70 s: cancel long before.
  await page.locator(".speed button", { hasText: "1×" }).click();
  await page.locator('[data-action="run"]').click();
  await expect(page.locator(".progress")).toHaveAttribute("data-phase", "running");
  await page.waitForTimeout(1500);
  await page.locator('[data-action="cancel"]').click();
  await expect(page.locator(".progress")).toHaveAttribute("data-phase", "cancelled");
  await expect(page.locator('[data-chart="goodput"][data-points]')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/cancelled.png` });
  await page.locator(".speed button", { hasText: "max" }).click();
  await page.locator('[data-action="run"]').click();
  await expect(page.locator(".verdict[data-verdict]:not([data-verdict=pending])")).toBeVisible({
    timeout: 60_000,
  });
  // The refused catalog requests are the only network errors, and they are the test's doing.
  expect(errors.filter((e) => !e.includes("net::ERR_CONNECTION_REFUSED"))).toEqual([]);
});

test("the canvas adds and wires components; the timeline moves and adds changes", async ({ page }) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "gc-pause");
  const yaml = async () => {
    return readYaml(page);
  };

  // A second server, then drag from the client's port onto it: the client now calls it.
  await page.locator('[data-tab="topology"]').click();
  await page.locator('select[aria-label="component type"]').selectOption("server");
  await page.locator(".add-component button").click();
  const fresh = page.locator('[data-node="server2"]');
  await expect(fresh).toBeVisible();
  const port = page.locator('[data-node="client"] .port');
  const from = (await port.boundingBox())!;
  const to = (await fresh.locator("rect").boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.locator('[data-form="servers.server2"]')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/topology.png` });
  expect(await yaml()).toMatch(/clients:\n {2}client:\n {4}target: server2\n/);

  // Renaming it renames every reference; a taken name is refused where it was typed.
  await page.locator('[data-tab="topology"]').click();
  await page.locator('[data-component="server2"]').click();
  const name = page.locator('input[name="component-name"]');
  await name.fill("server");
  await name.press("Tab");
  await expect(page.locator(".component-form > .field-issues")).toContainText(
    '"server" is already a component',
  );
  await name.fill("backup");
  await name.press("Tab");
  await expect(page.locator('[data-node="backup"]')).toBeVisible();
  const renamed = await yaml();
  expect(renamed).toMatch(/clients:\n {2}client:\n {4}target: backup\n/);
  expect(renamed).toMatch(/\n {2}backup: \{ serviceTime/);
  expect(renamed).not.toContain("server2");

  // Drag the pause 20 s later on the time axis, then add an intervention.
  await page.locator('[data-tab="timeline"]').click();
  const bar = page.locator('[data-change="triggers.0"] rect');
  const box = (await bar.boundingBox())!;
  const axis = (await page.locator("svg.timeline").boundingBox())!;
  const end = 65; // gc-pause: duration 60 + drain 5
  const dx = ((axis.width * (640 - 36 - 16)) / 640) * (20 / end); // drawing width minus its margins
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 2 + dx, box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
  const at = Number(await page.locator('input[name="triggers.0.at"]').inputValue());
  expect(at).toBeGreaterThan(38);
  expect(at).toBeLessThan(42);
  await page.locator("button", { hasText: "Add intervention" }).click();
  await expect(page.locator('[data-row="interventions.0"]')).toBeVisible();
  await page.locator('select[name="interventions.0.kind"]').selectOption("restart");
  await page.locator('select[name="interventions.0.target"]').selectOption("server");
  await expect(page.locator('[data-row="interventions.0"] .field-issues')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/timeline.png` });
  const text = await yaml();
  expect(text).toMatch(/- \{ kind: pause, target: server, at: (39|4\d)(\.\d)?, duration: 1 \}/);
  expect(text).toMatch(/interventions:\n {2}- \{ kind: restart, target: server, at: \d+ \}/);
  expect(errors).toEqual([]);
});

test("the load profile's steps drag on the timeline", async ({ page }) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await page.locator('[data-tab="timeline"]').click();
  // Step 1 is the spike (20 req/s from 20 s); drag it down by about a quarter of the axis.
  const handle = page.locator('circle[data-step="1"]');
  const box = (await handle.boundingBox())!;
  const axis = (await page.locator("svg.timeline").boundingBox())!;
  const perUnit = axis.width / 640; // drawing units to pixels
  const rateAxis = (110 - 14) * perUnit; // pixels from 0 to the axis top (1.25 x 20 req/s)
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + rateAxis * (5 / 25), { steps: 8 });
  await page.mouse.up();
  await page.locator("svg.timeline").screenshot({ path: `${SHOTS}/timeline-steps.png` });
  await page.locator('[data-tab="yaml"]').click();
  const text = await readYaml(page);
  const m = /- \{ at: 20, rate: ([\d.]+) \}/.exec(text); // moved straight down: same time
  expect(m, text).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(14.5);
  expect(Number(m![1])).toBeLessThan(15.5);
  expect(errors).toEqual([]);
});

test("timeline handles move with the keyboard: a trigger's time, a load step's time and rate", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openCatalogScenario(page, "retry-storm");
  await page.locator('[data-tab="timeline"]').click();
  // Step 1 is the spike, 20 req/s from 20 s: two steps right, one big step up.
  const step = page.locator('circle[data-step="1"]');
  await step.focus();
  await expect(step).toHaveAttribute("aria-valuetext", "20 req/s from 20 s");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowUp");
  await expect(step).toHaveAttribute("aria-valuetext", "30 req/s from 22 s");
  await expect(step).toBeFocused();
  await page.locator('[data-tab="yaml"]').click();
  expect(await readYaml(page)).toMatch(/- \{ at: 22, rate: 30 \}/);

  await page.goto("/?example=cache-flush&view=timeline");
  await expect(page.locator("[data-scenario-name]")).toHaveAttribute("data-scenario-name", "cache-flush");
  const flush = page.locator('[data-change="triggers.0"]');
  await flush.focus();
  await expect(flush).toHaveAttribute("aria-valuenow", "20");
  for (let k = 0; k < 3; k++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowLeft");
  await expect(flush).toHaveAttribute("aria-valuenow", "13");
  await page.locator("svg.timeline").screenshot({ path: `${SHOTS}/timeline-keyboard.png` });
  await page.locator('[data-tab="yaml"]').click();
  expect(await readYaml(page)).toMatch(/at: 13\b/);
  expect(errors).toEqual([]);
});
