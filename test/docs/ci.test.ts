import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { loadChecksFile } from "../../src/cli/checks-file.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DOC = readFileSync(join(ROOT, "docs", "ci.md"), "utf8");
const yamlBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

it("the checks file in docs/ci.md is valid and names catalog scenarios", () => {
  const checks = yamlBlocks.find((b) => b.startsWith("# metastable-checks.yaml"))!;
  const dir = mkdtempSync(join(tmpdir(), "metastable-ci-doc-"));
  writeFileSync(join(dir, "metastable-checks.yaml"), checks);
  symlinkSync(join(ROOT, "scenarios"), join(dir, "scenarios"), "dir");
  const loaded = loadChecksFile(join(dir, "metastable-checks.yaml"));
  expect(loaded.map((c) => c.check.expect.kind)).toEqual([
    "recovers",
    "tippingLoad",
    "goodput",
    "latency",
    "fluid",
  ]);
});

it("every other checks file in docs/ci.md loads too", () => {
  const others = yamlBlocks.filter((b) => b.startsWith("checks:"));
  expect(others.length).toBeGreaterThan(0);
  const dir = mkdtempSync(join(tmpdir(), "metastable-ci-doc-"));
  symlinkSync(join(ROOT, "scenarios"), join(dir, "scenarios"), "dir");
  for (const [i, text] of others.entries()) {
    writeFileSync(join(dir, `checks-${i}.yaml`), text);
    expect(loadChecksFile(join(dir, `checks-${i}.yaml`)).length).toBeGreaterThan(0);
  }
});

it("the GitHub Actions workflow runs the check with npx and keeps the reports", () => {
  const workflow = parse(yamlBlocks.find((b) => b.includes("runs-on:"))!);
  const steps = workflow.jobs.check.steps as { run?: string; with?: Record<string, string> }[];
  const run = steps.map((s) => s.run ?? "").find((r) => r.includes("metastable check"))!;
  expect(run).toMatch(
    /^npx --yes metastable check metastable-checks\.yaml --out metastable-report --cache \S+$/,
  );
  expect(steps.some((s) => s.run?.includes("metastable-report/checks.md"))).toBe(true);
  expect(steps.some((s) => s.with?.path === "metastable-report/")).toBe(true);
});
