import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadChecksFile } from "../../src/cli/checks-file.js";
import { cli } from "./cli-harness.js";

// The examples `--help` prints are part of the product: these run them as printed (output folders
// moved to a scratch folder). Commands whose examples take minutes (map, compare) are not here.

const ROOT = join(import.meta.dirname, "..", "..");

async function help(command: string): Promise<string> {
  const r = await cli(command, "--help");
  expect(r.code).toBe(0);
  return r.stdout;
}

describe("--help examples", () => {
  it("fluid: every example runs", async () => {
    const text = await help("fluid");
    const examples = [...text.matchAll(/^ {2}metastable (fluid .+)$/gm)].map((m) => m[1]!.split(" "));
    expect(examples.length).toBeGreaterThan(2);
    const scratch = mkdtempSync(join(tmpdir(), "metastable-help-"));
    for (const args of examples) {
      const out = args.indexOf("--out");
      if (out >= 0) args[out + 1] = join(scratch, args[out + 1]!.replace(/\//g, "-"));
      const r = await cli(...args);
      expect(r.stderr, args.join(" ")).toBe("");
      expect(r.code, args.join(" ")).toBe(0);
    }
  });

  it("check: the checks file it shows loads, with its scenario and override", async () => {
    const text = await help("check");
    const yaml = /^ {2}(checks:\n(?: {4}.*\n)+)/m.exec(text)![1]!.replace(/^ {2}/gm, "");
    // Scenario paths are relative to the checks file: put it beside the catalog.
    const dir = mkdtempSync(join(tmpdir(), "metastable-help-"));
    symlinkSync(join(ROOT, "scenarios"), join(dir, "scenarios"), "dir");
    writeFileSync(join(dir, "checks.yaml"), yaml);
    const [loaded] = loadChecksFile(join(dir, "checks.yaml"));
    expect(loaded!.check.overrides).toEqual([{ param: "clients.client.timeout", value: 0.5 }]);
    expect(loaded!.check.expect).toEqual({ kind: "recovers", within: 60, atLeast: 9, of: 10 });
  });
});
