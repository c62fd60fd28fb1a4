import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../child-process.js";

// The chart library is about 600 modules: a command that prints JSON or text must not load it
// (map, threshold, compare, stability and fluid once did, for a renderer only --out uses, and
// spent about 0.6 s of each start-up on it). The hooks make loading it fail the command.
const hooks = ["--import", new URL("fixture/no-charts.mjs", import.meta.url).pathname];
const dir = mkdtempSync(join(tmpdir(), "metastable-lazy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("commands load the chart library only to draw", () => {
  const batch = ["--replications", "1", "--quiet", "--json"];
  it.each([
    ["run", ["run", "scenarios/retry-storm.yaml", "--json"]],
    [
      "map",
      [
        "map",
        "scenarios/retry-storm.yaml",
        "--x",
        "load=0.5:1:2",
        "--y",
        "sources.users.profile.steps.2.at=21:22:2",
        ...batch,
      ],
    ],
    ["threshold", ["threshold", "scenarios/retry-storm.yaml", ...batch]],
    [
      "compare",
      ["compare", "scenarios/retry-storm.yaml", "scenarios/retry-storm-retry-budget.yaml", ...batch],
    ],
    [
      "stability",
      ["stability", "scenarios/retry-storm.yaml", "--sizes", "50", "--replications", "1", "--json"],
    ],
    ["fluid", ["fluid", "scenarios/retry-storm.yaml", "--json"]],
  ])("%s --json does not load it", async (_name, args) => {
    const r = await runCli(args, { timeout: 120_000, nodeOptions: hooks });
    expect(r.stderr).not.toContain("chart library");
    expect(r.status, r.stderr).toBe(0);
  });

  it("a report still loads it (the hooks would catch it)", async () => {
    const r = await runCli(["run", "scenarios/retry-storm.yaml", "--out", join(dir, "run")], {
      timeout: 120_000,
      nodeOptions: hooks,
    });
    expect(r.stderr).toContain("the chart library was loaded");
    expect(r.status).not.toBe(0);
  });
});
