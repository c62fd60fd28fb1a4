import type { CheckOutcome } from "../analysis/checks.js";
import { describeOverrides } from "../analysis/overrides.js";
import type { Explanation } from "./explain.js";

// What `metastable check` hands to CI: JUnit XML (shown by GitHub, GitLab, Jenkins, ...) and a
// Markdown summary to paste into a review. No times or dates: the same results give the same bytes.

/** A check's outcome with the command line that replays one of its seeds. */
export interface ReportedCheck extends CheckOutcome {
  /** The scenario file as the reader's shell reaches it. */
  scenario: string;
  /** The check in plain words (what happened in one of its runs, or what the fluid model says); for the HTML report. */
  explanation?: Explanation[];
}

/** `metastable run SCENARIO --seed N --set ...`: the run behind one seed of a check. */
export function replayCommand(c: ReportedCheck, seed: number): string {
  return `metastable run ${c.scenario} --seed ${seed}${setFlags(c)}`;
}

function setFlags(c: ReportedCheck): string {
  return c.replayOverrides.map((o) => ` --set ${o.param}=${o.value}`).join("");
}

/** The commands that replay a check: a few of its seeds, or the fluid analysis it read. */
export function replayCommands(c: ReportedCheck, max = 3): string[] {
  if (c.fluidLoad !== undefined)
    return [`metastable fluid ${c.scenario}${setFlags(c)} --load ${Number(c.fluidLoad.toPrecision(6))}`];
  return c.replaySeeds.slice(0, max).map((s) => replayCommand(c, s));
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function details(c: ReportedCheck): string[] {
  const sets = c.replayOverrides.length > 0 ? ` with ${describeOverrides(c.replayOverrides)}` : "";
  return [`scenario: ${c.scenario}${sets}`, ...c.evidence, ...replayCommands(c).map((r) => `replay: ${r}`)];
}

/** JUnit XML: one test suite (the checks file), one test case per check. */
export function junitXml(checksFile: string, checks: readonly ReportedCheck[]): string {
  const failures = checks.filter((c) => !c.passed).length;
  const cases = checks.map((c) => {
    const body = xml(details(c).join("\n"));
    const inner = c.passed
      ? `<system-out>${body}</system-out>`
      : `<failure message="${xml(c.summary)}" type="${c.kind}">${body}</failure>`;
    return `    <testcase classname="${xml(c.scenario)}" name="${xml(c.name)}">\n      ${inner}\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="metastable check" tests="${checks.length}" failures="${failures}">
  <testsuite name="${xml(checksFile)}" tests="${checks.length}" failures="${failures}" errors="0" skipped="0">
${cases.join("\n")}
  </testsuite>
</testsuites>
`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown summary: a table of every check, then the evidence and replay commands of each failure. */
export function checksMarkdown(checksFile: string, checks: readonly ReportedCheck[]): string {
  const failed = checks.filter((c) => !c.passed);
  const lines = [
    `### Metastable checks: ${failed.length === 0 ? "all hold" : `${failed.length} of ${checks.length} failed`}`,
    "",
    `From \`${checksFile}\`.`,
    "",
    "| | Check | Measured |",
    "|---|---|---|",
    ...checks.map((c) => `| ${c.passed ? "✅" : "❌"} | ${cell(c.name)} | ${cell(c.summary)} |`),
  ];
  for (const c of failed) {
    lines.push("", `#### ❌ ${c.name}`, "", c.summary, "", "```");
    for (const d of details(c)) lines.push(d);
    lines.push("```");
  }
  return `${lines.join("\n")}\n`;
}

/** The text `metastable check` prints. */
export function checksText(checks: readonly ReportedCheck[]): string {
  const lines = checks.flatMap((c) => [
    `${c.passed ? "PASS" : "FAIL"}  ${c.name}`,
    `      ${c.summary}`,
    ...(c.passed ? [] : replayCommands(c).map((r) => `      replay: ${r}`)),
  ]);
  const failed = checks.filter((c) => !c.passed).length;
  lines.push(
    "",
    failed === 0 ? `All ${checks.length} checks hold.` : `${failed} of ${checks.length} checks failed.`,
  );
  return `${lines.join("\n")}\n`;
}
