import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { BudgetExceededError, runScenario } from "../../src/scenario/run.js";
import { runChild } from "../child-process.js";
import { extremeCaseArb, hostileCaseArb, load, replayNote, rescaledCaseArb } from "./hostile-scenario.js";

const ROOT = join(import.meta.dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "metastable-fuzz-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `metastable run` in-process on a scenario text; returns the exit code and what it printed. */
async function cliRun(text: string, name: string, ...flags: string[]) {
  const file = join(scratch, name);
  writeFileSync(file, text);
  let stdout = "";
  let stderr = "";
  const code = await main(
    ["run", file, ...flags],
    (s) => {
      stdout += s;
    },
    (s) => {
      stderr += s;
    },
  );
  return { file, code, stdout, stderr };
}

/** Exit 0 with output, or exit 2 with a one-paragraph error naming the file or the budget: never 1 or a stack. */
function expectCleanExit(
  r: { file: string; code: number; stdout: string; stderr: string },
  note: string,
): void {
  expect([0, 2], `exit ${r.code}: ${r.stderr}\n${note}`).toContain(r.code);
  expect(r.stderr, note).not.toMatch(/\n\s+at |internal error/);
  if (r.code === 0) expect(r.stdout.length, note).toBeGreaterThan(0);
  else
    expect(r.stderr, note).toMatch(
      new RegExp(
        `^error: (the scenario cannot be run:\\n${r.file.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}:|run stopped at)`,
      ),
    );
}

// Fixed seed and run counts: the fuzz test is deterministic, and a failure prints the seed and
// path that replay it (fc.assert) plus the scenario text (replayNote).
const SEED = 20261130;

describe("fuzz: hostile scenario files end in a located error or a valid model", () => {
  it("1000 mutated catalog scenarios: ScenarioError or a built model, never a crash", () => {
    let refused = 0;
    let loaded = 0;
    fc.assert(
      fc.property(hostileCaseArb, (c) => {
        try {
          if (load(c.text, "fuzz.yaml").ok) loaded++;
          else refused++;
        } catch (e) {
          throw new Error(`${(e as Error).stack}\n${replayNote(c)}`);
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
    // Both outcomes occur: a generator that only produced garbage would test nothing.
    expect(refused).toBeGreaterThan(300);
    expect(loaded).toBeGreaterThan(30);
  });

  it("50 rescaled catalog scenarios run within small budgets or stop with a budget error", () => {
    let ran = 0;
    let stopped = 0;
    fc.assert(
      fc.property(rescaledCaseArb, (c) => {
        let verdict: ReturnType<typeof load>;
        try {
          verdict = load(c.text, "fuzz.yaml");
        } catch (e) {
          throw new Error(`${(e as Error).stack}\n${replayNote(c)}`);
        }
        if (!verdict.ok) return;
        try {
          runScenario(verdict.parsed, { maxEvents: 20_000, maxWallSeconds: 2 });
          ran++;
        } catch (e) {
          if (e instanceof BudgetExceededError) {
            stopped++;
            expect(e.message).toMatch(/raise it with --max-(events|wall-seconds)/);
            return;
          }
          throw new Error(`${(e as Error).stack}\n${replayNote(c)}`);
        }
      }),
      { seed: SEED + 1, numRuns: 50 },
    );
    expect(ran).toBeGreaterThan(3);
    expect(stopped).toBeGreaterThan(3);
  });

  it("40 hostile and rescaled scenarios through `metastable run` in-process: exit 0 or 2 with a clean message", async () => {
    const cases = [
      ...fc.sample(hostileCaseArb, { seed: SEED + 2, numRuns: 20 }),
      ...fc.sample(rescaledCaseArb, { seed: SEED + 3, numRuns: 20 }),
    ];
    const codes = new Set<number>();
    for (const [i, c] of cases.entries()) {
      const r = await cliRun(
        c.text,
        `case-${i}.yaml`,
        "--max-events",
        "20000",
        "--max-wall-seconds",
        "2",
        "--json",
      );
      expectCleanExit(r, replayNote(c));
      codes.add(r.code);
    }
    expect([...codes].sort()).toEqual([0, 2]);
  });

  it("20 scenarios with extreme numbers through `metastable run --out`: results and report, or a clean exit 2", async () => {
    const codes = new Set<number>();
    for (const [i, c] of fc.sample(extremeCaseArb, { seed: SEED + 4, numRuns: 20 }).entries()) {
      const out = join(scratch, `out-${i}`);
      const r = await cliRun(
        c.text,
        `extreme-${i}.yaml`,
        "--max-events",
        "50000",
        "--max-wall-seconds",
        "3",
        "--out",
        out,
      );
      expectCleanExit(r, replayNote(c));
      if (r.code === 0) expect(existsSync(join(out, "report.html")), replayNote(c)).toBe(true);
      codes.add(r.code);
    }
    expect([...codes].sort()).toEqual([0, 2]);
  });

  it("an alias bomb through `metastable run` in-process: exit 2 naming the file", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 6; i++)
      bomb.push(
        `b${i}: &b${i} [${Array(10)
          .fill(i === 0 ? "*a" : `*b${i - 1}`)
          .join(", ")}]`,
      );
    const r = await cliRun(`${bomb.join("\n")}\nname: x\nduration: 1\n`, "bomb.yaml");
    expectCleanExit(r, "alias bomb");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/alias/i);
  });

  it("a real process: a runaway model exits 2 naming the budget and how to raise it, no stack trace", async () => {
    const bin = join(ROOT, "bin", "metastable.js");
    // bin/ runs the compiled CLI; `npm test` compiles before running the tests.
    if (!existsSync(join(ROOT, "dist", "cli", "main.js")))
      throw new Error("dist/ is missing: run npm run build");
    const text =
      "name: x\nduration: 1000\nsources:\n  u: { target: c, profile: { kind: constant, rate: 1e6 } }\n" +
      "clients:\n  c: { target: s }\nservers:\n  s: { serviceTime: { kind: constant, value: 0.001 } }\n";
    const file = join(scratch, "runaway.yaml");
    writeFileSync(file, text);
    const p = await runChild(process.execPath, [bin, "run", file, "--max-events", "50000"], {
      timeout: 30_000,
    });
    expectCleanExit({ file, code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr }, text);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/event budget \(50000 events\) ran out; raise it with --max-events/);
  });
});
