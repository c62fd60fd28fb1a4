import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";
import { analyseRun } from "../analysis/analyse-run.js";
import type { TrialRequest } from "../analysis/batch.js";
import {
  type Check,
  type CheckOutcome,
  checkTrials,
  evaluateCheck,
  evaluateFluidCheck,
} from "../analysis/checks.js";
import { identityOf } from "../analysis/job-identity.js";
import type { TrialResult } from "../analysis/trial.js";
import { analyseFluid } from "../fluid/analyse.js";
import { checksReportHtml } from "../report/check-html.js";
import { checksMarkdown, checksText, junitXml, type ReportedCheck } from "../report/check-report.js";
import { type Explanation, explainVerdict } from "../report/explain.js";
import { explainFluid } from "../report/fluid-explain.js";
import { labelOf } from "../report/html.js";
import { runScenario } from "../scenario/run.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { type LoadedCheck, loadChecksFile } from "./checks-file.js";
import type { LoadedScenario } from "./load-scenario.js";
import { makeRunner, type RunnerFlags } from "./runner.js";
import { UsageError } from "./usage-error.js";
import { checkOutputFolder, writeFileAtomically, writeOutputFolder } from "./write-output.js";

/** Flags of `metastable check`. */
export interface CheckFlags extends RunnerFlags {
  /** Write JUnit XML here. */
  junit?: string;
  /** Write a Markdown summary here. */
  markdown?: string;
  /** A file of finished trials, by job identity, kept between runs (CI caches it). */
  cache?: string;
  /** Write checks.json, report.html, junit.xml and checks.md into this folder. */
  out?: string;
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
  if (flags.out === "-") throw new UsageError("--out - is not supported; give a folder");
  // Refuse an output folder that must not be replaced before running anything.
  if (flags.out) checkOutputFolder(flags.out);
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
  // Checks that share a run (same spec and seed) share its explanation: it is run once.
  const explained = flags.out ? new Map<string, Explanation[]>() : undefined;
  const outcomes: ReportedCheck[] = checks.map((c, i) => ({
    ...judge(
      c,
      trials[i]!.map((t) => cache.get(jobId(t))!),
      explained,
    ),
    scenario: relative(process.cwd(), c.check.scenarioFile) || c.check.scenarioFile,
  }));
  if (flags.junit) writeOne(flags.junit, junitXml(file, outcomes));
  if (flags.markdown) writeOne(flags.markdown, checksMarkdown(file, outcomes));
  let wrote = "";
  if (flags.out) {
    const written = writeOutputFolder(flags.out, {
      "checks.json": `${JSON.stringify({ checksFile: file, checks: outcomes }, null, 2)}\n`,
      "report.html": checksReportHtml(file, outcomes),
      "junit.xml": junitXml(file, outcomes),
      "checks.md": checksMarkdown(file, outcomes),
    });
    const report = written.find((f) => f.endsWith("report.html"));
    wrote = `\nWrote ${written.length} files to ${flags.out} (open ${report} in a browser).\n`;
  }
  if (reused > 0 && !flags.quiet) log(`reused ${reused} trials from ${flags.cache}\n`);
  print(checksText(outcomes) + wrote);
  const failed = outcomes.filter((o) => !o.passed).length;
  if (failed > 0) throw new CheckFailedError(`${failed} of ${outcomes.length} checks failed`);
}

/**
 * A simulated check from its trials; a fluid check from its fluid model (deterministic, so never
 * cached). With `explained` (explanations by run identity), the outcome carries its plain-language
 * explanation for the HTML report.
 */
function judge(
  { check, scenario, fluid }: LoadedCheck,
  results: TrialResult[],
  explained?: Map<string, Explanation[]>,
): CheckOutcome & { explanation?: Explanation[] } {
  if (check.expect.kind === "fluid" && fluid) {
    const analysis = analyseFluid(fluid, { load: check.expect.atLeast * fluid.baseLoad });
    const outcome = evaluateFluidCheck(check, fluid.baseLoad, analysis);
    return explained ? { ...outcome, explanation: explainFluid(analysis, fluid.baseLoad) } : outcome;
  }
  const outcome = evaluateCheck(check, scenario.parsed.spec, results);
  return explained ? { ...outcome, explanation: explainTrial(check, scenario, outcome, explained) } : outcome;
}

/**
 * What happened in one run of a simulated check, in plain words: a seed that went against it if
 * any did, else its first seed. The run is repeated in this process for its full verdict (a trial
 * keeps only the summary), with the same spec and seed, so it is the same run.
 */
function explainTrial(
  check: Check,
  scenario: LoadedScenario,
  outcome: CheckOutcome,
  explained: Map<string, Explanation[]>,
): Explanation[] {
  const requests = checkTrials(check, scenario.parsed.spec);
  const seed = outcome.replaySeeds[0] ?? requests[0]!.seed;
  const request = requests.find((r) => r.seed === seed)!;
  const id = jobId(request);
  let points = explained.get(id);
  if (!points) {
    const parsed = { ...scenario.parsed, spec: request.spec };
    const { verdict, result } = analyseRun(parsed, runScenario(parsed, { seed }));
    points = explainVerdict(verdict, [], labelOf(result.characteristicMetrics));
    explained.set(id, points);
  }
  const against = outcome.replaySeeds.length > 0 ? ", one of the seeds that went against the check" : "";
  return [
    ...points,
    {
      heading: "Which run",
      text: `The explanation above describes the run at seed ${seed}${against}; the table below has every seed.`,
    },
  ];
}

function writeOne(path: string, content: string): void {
  writeFileAtomically(path, content);
}
