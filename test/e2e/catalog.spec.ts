import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { watchErrors } from "./page-errors.js";

// Each catalog entry wears the verdict the catalog audit found for it (docs/catalog-audit.md, written
// by `npm run audit`), read by the page at build time. The expected badges here come from the
// audit's table, a different part of the document than the page reads (its per-seed block).

const SHOTS = "test-results/screenshots";

function auditTable(): Map<string, string> {
  const md = readFileSync("docs/catalog-audit.md", "utf8");
  const rows = new Map<string, string>();
  for (const line of md.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    // | scenario | verdict (seeds 1-10) | without triggers | ...
    if (cells.length > 4 && /^[a-z][a-z0-9-]*$/.test(cells[1]!) && cells[1] !== "scenario")
      rows.set(cells[1]!, cells[2]!);
  }
  return rows;
}

test("every catalog scenario shows the audit's verdict as a badge, and the search finds by verdict", async ({
  page,
}) => {
  const errors = watchErrors(page);
  const table = auditTable();
  expect(table.get("retry-storm")).toBe("metastable");
  await page.goto("/?view=catalog");
  const entries = page.locator("[data-scenario]");
  await expect(entries.first()).toBeVisible();
  const n = await entries.count();
  let badged = 0;
  for (let i = 0; i < n; i++) {
    const entry = entries.nth(i);
    const file = (await entry.locator(".file").textContent())!.replace(/\.yaml$/, "");
    const expected = table.get(file);
    const badge = entry.locator("[data-expected-verdict]");
    if (expected === undefined) {
      await expect(badge, file).toHaveCount(0);
      continue;
    }
    await expect(badge, file).toHaveAttribute("data-expected-verdict", expected);
    badged++;
  }
  expect(badged).toBe(table.size);
  // A varying verdict says why in its title.
  const varying = [...table].find(([, v]) => v.includes(","));
  if (varying)
    await expect(page.locator(`[data-scenario="${varying[0]}"] [data-expected-verdict]`)).toHaveAttribute(
      "title",
      /seeds 1-10: .{20,}/,
    );
  await page.screenshot({ path: `${SHOTS}/catalog-badges.png` });

  await page.locator(".catalog-search").fill("unstable");
  const unstable = [...table].filter(([, v]) => v.includes("unstable")).map(([k]) => k);
  expect(unstable.length).toBeGreaterThan(0);
  for (const name of unstable) await expect(page.locator(`[data-scenario="${name}"]`)).toBeVisible();
  // Not everything: the filter took out the scenarios with neither the word nor the verdict.
  expect(await entries.count()).toBeLessThan(n);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator(".catalog-search").fill("");
  await page.screenshot({ path: `${SHOTS}/catalog-badges-390.png` });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(errors).toEqual([]);
});
