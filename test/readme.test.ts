import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { parseScenarioText } from "../src/scenario/parse.js";
import { runScenario } from "../src/scenario/run.js";

const ROOT = join(import.meta.dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

function blocks(lang: string): string[] {
  return [...README.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1]!);
}

function commands(): { line: string; expectedExit: number }[] {
  return blocks("sh").flatMap((b) =>
    b
      .split("\n")
      .filter((l) => l.trim() && !l.trim().startsWith("#"))
      .map((l) => {
        const comment = l.indexOf("#");
        const line = (comment >= 0 ? l.slice(0, comment) : l).trim();
        const expectedExit = /#\s*exit (\d)/.exec(l)?.[1];
        return { line, expectedExit: expectedExit ? Number(expectedExit) : 0 };
      }),
  );
}

describe("README", () => {
  it("opens with the two set-up commands: the main job and the tests", () => {
    const first = blocks("sh")[0]!.trim().split("\n");
    expect(first[0]).toMatch(/^npm ci && npm start\b/);
    expect(first[1]).toMatch(/^npm ci && npm test\b/);
    expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toContain("npm test");
  });

  // Many runs in one test: generous for a busy 2-core machine (each child has its own timeout).
  it("every CLI example runs with the exit code it documents", { timeout: 300_000 }, () => {
    const scratch = mkdtempSync(join(tmpdir(), "metastable-readme-"));
    try {
      const cli = commands().filter((c) => c.line.startsWith("./bin/metastable.js"));
      expect(cli.length).toBeGreaterThanOrEqual(4);
      for (const { line, expectedExit } of cli) {
        const args = line
          .replace("./bin/metastable.js", "")
          .trim()
          .split(/\s+/)
          .map((a) => a.replace(/^out\//, `${scratch}/`));
        const r = spawnSync(process.execPath, [join(ROOT, "bin", "metastable.js"), ...args], {
          cwd: ROOT,
          encoding: "utf8",
          timeout: 120_000,
        });
        expect(r.status, `${line}\n${r.stderr}`).toBe(expectedExit);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("the main job (npm start) runs the default scenario end to end", () => {
    const start = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start as string;
    const run = start.split("&&").pop()!.trim();
    expect(run).toMatch(/^node bin\/metastable\.js run scenarios\/retry-storm\.yaml --out (\S+)$/);
    const scratch = mkdtempSync(join(tmpdir(), "metastable-start-"));
    const out = execFileSync(
      process.execPath,
      ["bin/metastable.js", "run", "scenarios/retry-storm.yaml", "--out", scratch],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect(out).toContain("report.html");
    expect(readFileSync(join(scratch, "report.html"), "utf8")).toContain("retry-storm");
    rmSync(scratch, { recursive: true, force: true });
  });

  it("the error example has the shape the CLI prints", () => {
    const example = blocks("text")[0]!.trim();
    const text = readFileSync(join(ROOT, "scenarios", "retry-storm.yaml"), "utf8").replace(
      "concurrency: 1",
      "concurrency: 0",
    );
    const dir = mkdtempSync(join(tmpdir(), "metastable-err-"));
    writeFileSync(join(dir, "bad.yaml"), text);
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "metastable.js"), "run", "bad.yaml"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(example);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the YAML example is a valid scenario that runs", () => {
    const yaml = blocks("yaml")[0]!;
    const out = runScenario(parseScenarioText(yaml, "README.md"));
    expect(out.result.totals.requests).toBeGreaterThan(2000);
  });

  it("the library example names real exports", () => {
    const ts = blocks("ts")[0]!;
    const names = /import \{([^}]*)\}/
      .exec(ts)![1]!
      .split(",")
      .map((s) => s.trim());
    for (const n of names) expect(api, n).toHaveProperty(n);
  });
});
