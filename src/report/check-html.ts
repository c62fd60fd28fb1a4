import { describeOverrides } from "../analysis/overrides.js";
import { type ReportedCheck, replayCommands } from "./check-report.js";
import { formatNumber } from "./csv.js";
import type { Explanation } from "./explain.js";
import { escapeHtml, explanationHtml, htmlPage } from "./html.js";

// `metastable check --out`: one self-contained page to hand over with a pull request. A table of
// every check first, then each check with its explanation in plain words, its per-seed evidence
// and the command that replays it. No dates: the same results give the same bytes.

const num = (x: number) => formatNumber(x, 3);

function table(head: string[], rows: string[][], numeric: boolean[]): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ""}>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`)
    .join("\n");
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function seedTable(c: ReportedCheck): string {
  const against = new Set(c.replaySeeds);
  const rows = (c.trials ?? []).map((t) => [
    `${t.seed}${against.has(t.seed) ? " ✗" : ""}`,
    escapeHtml(t.verdict),
    t.verdict === "recovered" && t.timeToRecover !== null ? num(t.timeToRecover) : "–",
    num(t.goodputRatio),
    t.latencyP99 == null ? "–" : num(t.latencyP99 * 1000),
  ]);
  return table(["Seed", "Verdict", "Recovered in (s)", "Goodput / offered", "p99 latency (ms)"], rows, [
    true,
    false,
    true,
    true,
    true,
  ]);
}

function section(c: ReportedCheck, i: number): string {
  const sets = c.replayOverrides.length > 0 ? ` with ${describeOverrides(c.replayOverrides)}` : "";
  const evidence =
    c.trials && c.trials.length > 0
      ? `<p class="note">Every seed (✗: went against the check).</p>\n${seedTable(c)}`
      : `<ul>\n${c.evidence.map((e) => `<li>${escapeHtml(e)}</li>`).join("\n")}\n</ul>`;
  const replays = replayCommands(c);
  const replay =
    replays.length > 0
      ? `<p>Replay:</p>\n<ul>\n${replays.map((r) => `<li><code>${escapeHtml(r)}</code></li>`).join("\n")}\n</ul>`
      : "";
  return `<section id="check-${i + 1}" class="verdict verdict-${c.passed ? "recovered" : "metastable"}">
<h2>${c.passed ? "PASS" : "FAIL"} · ${escapeHtml(c.name)}</h2>
<p><strong>${escapeHtml(c.summary)}</strong></p>
<p class="note">Scenario <code>${escapeHtml(c.scenario)}</code>${escapeHtml(sets)}; ${c.kind === "fluid" ? "fluid model" : `${c.trials?.length ?? 0} seeds simulated`}.</p>
${c.explanation ? explanationHtml(c.explanation) : ""}
${evidence}
${replay}
</section>`;
}

/** The opening: which checks failed and what that means, in a sentence each. */
function overview(checks: readonly ReportedCheck[]): Explanation[] {
  const failed = checks.filter((c) => !c.passed);
  const names = (cs: readonly ReportedCheck[]) => cs.map((c) => `"${c.name}"`).join(", ");
  if (failed.length === 0)
    return [
      {
        heading: "Verdict",
        text: `All ${checks.length} checks hold: with these settings none of the modelled scenarios gets stuck beyond what the checks allow.`,
      },
    ];
  const held = checks.filter((c) => c.passed);
  return [
    {
      heading: "Verdict",
      text: `${failed.length} of ${checks.length} checks failed: ${names(failed)}. The change under review, or the settings these checks run with, lets a modelled scenario get stuck or miss its objective. Each failed check below explains what happened and gives the command that replays it.`,
    },
    ...(held.length > 0 ? [{ heading: "What held", text: `${names(held)}.` }] : []),
  ];
}

/** `metastable check --out`: the checks as one self-contained page (inline CSS, no scripts). */
export function checksReportHtml(checksFile: string, checks: readonly ReportedCheck[]): string {
  const failed = checks.filter((c) => !c.passed).length;
  const title = failed === 0 ? "all checks hold" : `${failed} of ${checks.length} checks failed`;
  const rows = checks.map((c, i) => [
    `<strong>${c.passed ? "PASS" : "FAIL"}</strong>`,
    `<a href="#check-${i + 1}">${escapeHtml(c.name)}</a>`,
    escapeHtml(c.summary),
  ]);
  return htmlPage(
    `${checksFile} · Metastable checks`,
    `<header>
<h1>Metastable checks: ${escapeHtml(title)}</h1>
<p class="lead">From <code>${escapeHtml(checksFile)}</code>. Simulated checks run each scenario on its own seed and the ones after it; fluid checks solve the scenario's fluid model and have no seeds.</p>
<h2>In plain words</h2>
${explanationHtml(overview(checks))}
</header>
<h2>Checks</h2>
${table(["", "Check", "Measured"], rows, [false, false, false])}
${checks.map(section).join("\n")}`,
  );
}
