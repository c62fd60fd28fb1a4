import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";
import type { TrialRequest } from "../analysis/batch.js";
import { type CheckOutcome, checkTrials, evaluateCheck, evaluateFluidCheck } from "../analysis/checks.js";
import { identityOf } from "../analysis/job-identity.js";
import type { TrialResult } from "../analysis/trial.js";
import { analyseFluid } from "../fluid/analyse.js";
import { checksMarkdown, checksText, junitXml, type ReportedCheck } from "../report/check-report.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { type LoadedCheck, loadChecksFile } from "./checks-file.js";
import { makeRunner, type RunnerFlags } from "./runner.js";
import { UsageError } from "./usage-error.js";
import { writeFileAtomically } from "./write-output.js";

/** Flags of `metastable check`. */
export interface CheckFlags extends RunnerFlags {
  /** Write JUnit XML here. */
  junit?: string;
  /** Write a Markdown summary here. */
  markdown?: string;
  /** A file of finished trials, by job identity, kept between runs (CI caches it). */
  cache?: string;
}

/** At least one check did not hold (exit code 1). */
export class CheckFailedError extends Error {
  override name = "CheckFailedError";
}

// A cached trial is reused only by the same metastable version: a new version may judge differently.
const VERSION: string = createRequire(import.meta.url)("../../package.json").version;

/** A trial's identity: the spec it runs (overrides and load applied), its seed and the version. */
function jobId(t: TrialRequest): string {
  return identityOf({ version: VERSION, spec: t.spec, seed: t.seed, measureFrom: t.measureFrom ?? null });
}

function readCache(path: string | undefined): Map<string, TrialResult> {
  const cache = new Map<string, TrialResult>();
  if (!path || !existsSync(path)) return cache;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    // A torn or foreign line is only a miss: the trial runs again.
    try {
      const { id, result } = JSON.parse(line) as { id: string; result: TrialResult };
      if (typeof id === "string" && typeof result?.seed === "number") cache.set(id, result);
    } catch {}
  }
  return cache;
}

/**
 * `metastable check FILE`: runs every check's trials (each distinct trial once, in parallel, reusing
 * the cache) and judges them. Throws CheckFailedError when a check fails, ScenarioError on bad input.
 */
export async function checkCommand(
  file: string,
  flags: CheckFlags,
  print: (s: string) => void,
  log: (s: string) => void,
): Promise<void> {
  let checks: LoadedCheck[];
  try {
    checks = loadChecksFile(file);
  } catch (e) {
    // The problem may be in the checks file or in a scenario it names; both are located.
    if (e instanceof ScenarioError) throw new UsageError(`the checks cannot be run:\n${e.message}`);
    throw e;
  }
  const cache = readCache(flags.cache);
  if (flags.cache) mkdirSync(dirname(flags.cache), { recursive: true });
  const trials = checks.map(({ check, scenario }) => checkTrials(check, scenario.parsed.spec));
  // One batch per scenario file: a worker pool re-parses one scenario text.
  const groups = new Map<string, LoadedCheck[]>();
  for (const c of checks) groups.set(c.check.scenarioFile, [...(groups.get(c.check.scenarioFile) ?? []), c]);
  let reused = 0;
  for (const [scenarioFile, members] of groups) {
    const pending = new Map<string, TrialRequest>();
    for (const m of members)
      for (const t of trials[checks.indexOf(m)]!) {
        const id = jobId(t);
        if (cache.has(id)) reused++;
        else pending.set(id, t);
      }
    if (pending.size === 0) continue;
    const { parsed, text } = members[0]!.scenario;
    const runner = makeRunner(parsed, text, scenarioFile, flags, log, "check");
    const ids = [...pending.keys()];
    try {
      await runner.run([...pending.values()], {
        onResult: (i, result) => {
          cache.set(ids[i]!, result);
          if (flags.cache) appendFileSync(flags.cache, `${JSON.stringify({ id: ids[i], result })}\n`);
        },
      });
    } finally {
      await runner.close();
    }
  }
  const outcomes: ReportedCheck[] = checks.map((c, i) => ({
    ...judge(
      c,
      trials[i]!.map((t) => cache.get(jobId(t))!),
    ),
    scenario: relative(process.cwd(), c.check.scenarioFile) || c.check.scenarioFile,
  }));
  if (flags.junit) writeOne(flags.junit, junitXml(file, outcomes));
  if (flags.markdown) writeOne(flags.markdown, checksMarkdown(file, outcomes));
  if (reused > 0 && !flags.quiet) log(`reused ${reused} trials from ${flags.cache}\n`);
  print(checksText(outcomes));
  const failed = outcomes.filter((o) => !o.passed).length;
  if (failed > 0) throw new CheckFailedError(`${failed} of ${outcomes.length} checks failed`);
}

/** A simulated check from its trials; a fluid check from its fluid model (deterministic, so never cached). */
function judge({ check, scenario, fluid }: LoadedCheck, results: TrialResult[]): CheckOutcome {
  if (check.expect.kind !== "fluid" || !fluid) return evaluateCheck(check, scenario.parsed.spec, results);
  const analysis = analyseFluid(fluid, { load: check.expect.atLeast * fluid.baseLoad });
  return evaluateFluidCheck(check, fluid.baseLoad, analysis);
}

function writeOne(path: string, content: string): void {
  writeFileAtomically(path, content);
}
