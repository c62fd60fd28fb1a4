import type { AnalysedResult } from "../analysis/analyse-run.js";
import type { PhaseStats, RunOutput, RunResult } from "../scenario/run-result.js";
import { formatNumber } from "./csv.js";
import { type Explanation, explainVerdict } from "./explain.js";
import { metricLabel } from "./metric-names.js";

// One file with everything inline: it opens offline, can be mailed or archived, and prints. No
// dates and no locale-dependent formatting, so two reports of the same run differ only in the
// wall-clock time.

/** A rendered chart as the report embeds it. */
export interface ReportSvg {
  id: string;
  title: string;
  svg: string;
}

const STYLE = `
.verdict { margin: 12px 0; padding: 8px 12px; border-left: 4px solid #888; background: #f7f7f7; }
.verdict-stable, .verdict-recovered { border-color: #009E73; }
.verdict-metastable { border-color: #D55E00; }
.verdict-unstable { border-color: #CC79A7; }
.explain { margin: 12px 0; max-width: 70em; }
.explain dt { font-weight: 600; margin-top: 6px; }
.explain dd { margin: 0 0 0 0; }
:root { color-scheme: light; --ink: #222; --muted: #666; --rule: #ddd; --band: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 24px 32px 48px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
p.lead { margin: 0 0 16px; color: var(--muted); max-width: 70em; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; padding: 0; list-style: none; }
.facts b { font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; }
tr.drain td { font-style: italic; color: var(--muted); }
.scroll { overflow-x: auto; }
ul.settings { margin: 0; padding: 0; list-style: none; }
ul.settings span { color: var(--muted); }
.charts { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); }
figure { margin: 0; border: 1px solid var(--rule); border-radius: 6px; padding: 4px; background: #fff; }
figure svg { display: block; width: 100%; height: auto; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  .charts { grid-template-columns: 1fr 1fr; }
  figure, table, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
`;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// Three significant digits is what a reader compares at a glance; the CSV files keep six.
const num = (x: number) => formatNumber(x, 3);
const ms = (seconds: number | null) => (seconds === null ? "–" : num(seconds * 1000));

function row(cells: string[], numeric: boolean[], cls = ""): string {
  const tds = cells.map((c, i) => (numeric[i] ? `<td class="num">${c}</td>` : `<td>${c}</td>`));
  return `<tr${cls ? ` class="${cls}"` : ""}>${tds.join("")}</tr>`;
}

function head(labels: string[], numeric: boolean[]): string {
  const ths = labels.map((l, i) => (numeric[i] ? `<th class="num">${l}</th>` : `<th>${l}</th>`));
  return `<thead><tr>${ths.join("")}</tr></thead>`;
}

function facts(r: RunResult): string {
  const items: [string, string][] = [
    ["seed", String(r.seed)],
    ["simulated", `${num(r.simulatedSeconds)} s`],
    ["events", String(r.events)],
    ["capacity", `${num(r.capacityPerSec)} req/s`],
    ["timeout", r.timeout === null ? "none" : `${ms(r.timeout)} ms`],
    // The only machine-dependent value in the file: kept on one line so reports diff cleanly.
    ["wall clock", `<span class="wall">${formatNumber(r.wallSeconds, 3)} s</span>`],
  ];
  const lis = items.map(([k, v]) => `<li>${k} <b>${v}</b></li>`).join("\n");
  return `<ul class="facts">\n${lis}\n</ul>
<p class="note">Wall-clock time depends on the machine; every other number is reproduced by the same seed.</p>`;
}

function components(r: RunResult): string {
  const rows = r.components.map((c) => {
    const settings = Object.entries(c.settings)
      .map(([k, v]) => `<li><span>${escapeHtml(k)}:</span> ${escapeHtml(v)}</li>`)
      .join("");
    return row([escapeHtml(c.name), escapeHtml(c.type), `<ul class="settings">${settings}</ul>`], []);
  });
  return `<table>${head(["Component", "Type", "Settings"], [])}<tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function requestFlow(r: RunResult): string {
  const t = r.totals;
  const lines: [string, string, string][] = [
    ["Requests", String(t.requests), "created by the sources"],
    ["Attempts", String(t.attempts), "first tries plus retries"],
    ["Served", String(t.served), "work items every tier finished, errors included (throughput)"],
    ["Completions", String(t.completions), "answers a client still wanted (goodput)"],
    ["Timeouts", String(t.timeouts), "attempts that hit the client timeout"],
    ["Retries", String(t.retries), "attempts that were retries"],
    ["Gave up", String(t.gaveUp), "requests abandoned after the last attempt"],
    ["Wasted", String(t.wasted), "served after the client had stopped waiting"],
    ["Errors", String(t.errors), "error answers received by clients"],
    ["In flight", String(t.inFlight), "neither completed nor given up at the end"],
    ["Abandoned", String(t.abandoned), "attempts no longer waited for: another answer came first"],
    ["Retry amplification", `${num(r.retryAmplification)}×`, "attempts per request"],
    ["Timeout rate", `${formatNumber(r.timeoutRate * 100, 3)} %`, "timeouts per attempt"],
  ];
  const numeric = [false, true, false];
  const rows = lines.map((l) => row(l, numeric));
  return `<table>${head(["Measure", "Value", "Meaning"], numeric)}<tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

/** Work by tier: every component that does work, databases and instance groups included. */
function workers(r: RunResult): string {
  const labels = [
    "Component",
    "Type",
    "Finished",
    "Wasted",
    "Busy",
    "Wasted time",
    "Error time",
    "Queue max",
    "Queue at end",
  ];
  const numeric = labels.map((_, i) => i > 1);
  const share = (a: number, b: number) => (b > 0 ? `${formatNumber((100 * a) / b, 3)} %` : "–");
  const rows = r.workers.map((w) =>
    row(
      [
        escapeHtml(w.name),
        escapeHtml(w.type),
        String(w.finished),
        String(w.wasted),
        `${formatNumber(100 * w.utilisation, 3)} %`,
        share(w.wastedBusySeconds, w.busySeconds),
        share(w.errorBusySeconds, w.busySeconds),
        String(w.queueMax),
        String(w.queueAtEnd),
      ],
      numeric,
    ),
  );
  return `<table>${head(labels, numeric)}<tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

/** Calls by hop: every component that makes calls, with the attempts per request it adds. */
function callers(r: RunResult): string {
  const labels = [
    "Component",
    "Type",
    "Requests",
    "Attempts",
    "Per request",
    "Timeouts",
    "Completed",
    "Gave up",
  ];
  const numeric = labels.map((_, i) => i > 1);
  const rows = r.callers.map((c) =>
    row(
      [
        escapeHtml(c.name),
        escapeHtml(c.type),
        String(c.requests),
        String(c.attempts),
        `${formatNumber(c.attemptsPerRequest, 3)}×`,
        String(c.timeouts),
        String(c.completions),
        String(c.gaveUp),
      ],
      numeric,
    ),
  );
  return `<table>${head(labels, numeric)}<tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function phases(r: RunResult): string {
  const labels = ["Phase", "Time (s)", "Offered", "Throughput", "Goodput", "Timeouts/s", "Retries/s"];
  const all = [...labels, "Queue mean", "Queue max", "p50 (ms)", "p99 (ms)"];
  const numeric = all.map((_, i) => i > 1);
  const line = (p: PhaseStats, cls = "") =>
    row(
      [
        escapeHtml(p.label),
        `${num(p.start)}–${num(p.end)}`,
        num(p.offeredPerSec),
        num(p.throughputPerSec),
        num(p.goodputPerSec),
        num(p.timeoutsPerSec),
        num(p.retriesPerSec),
        num(p.queueDepthMean),
        num(p.queueDepthMax),
        ms(p.latencyP50),
        ms(p.latencyP99),
      ],
      numeric,
      cls,
    );
  const rows = r.phases.map((p) => line(p));
  if (r.drain) rows.push(line(r.drain, "drain"));
  return `<div class="scroll"><table>${head(all, numeric)}<tbody>\n${rows.join("\n")}\n</tbody></table></div>
<p class="note">Rates in requests per second over each phase; latency of requests completed in it.</p>`;
}

/** A number to read in a table: 3 significant digits; the envelope's 1e-9 padding reads as 0. */
function rounded(x: number): string {
  return Math.abs(x) < 1e-8 ? "0" : formatNumber(x, 3);
}

// Units a metric's words do not already carry ("per second", "share of" do).
const UNITS = new Set(["s"]);

/** A metric's label by name, from the run's own characteristic metrics. */
export function labelOf(metrics: readonly { name: string; label?: string }[]): (name: string) => string {
  const known = new Map(metrics.map((m) => [m.name, m.label]));
  return (name) => known.get(name) || metricLabel(name);
}

/** The plain-language explanation that opens a report. */
export function explanationHtml(points: readonly Explanation[]): string {
  const items = points
    .map((p) => `<dt>${escapeHtml(p.heading)}</dt><dd>${escapeHtml(p.text)}</dd>`)
    .join("\n");
  return `<dl class="explain">\n${items}\n</dl>`;
}

/** The verdict banner and characteristic-metric table, when the result was analysed. */
function verdictBlock(r: RunResult | AnalysedResult): string {
  if (!("verdict" in r)) return "";
  const v = r.verdict;
  const rows = r.characteristicMetrics
    .map((m) => {
      // Every characteristic metric is a count, rate, share or duration: the padding below 0 is not a value.
      const env = m.envelope ? `${rounded(Math.max(0, m.envelope[0]))} to ${rounded(m.envelope[1])}` : "–";
      const when = (t: number | null) => (t === null ? "–" : `${formatNumber(t, 3)} s`);
      const unit = UNITS.has(m.unit) ? ` (${escapeHtml(m.unit)})` : "";
      return `<tr><td title="${escapeHtml(m.name)}">${escapeHtml(m.label || metricLabel(m.name))}${unit}</td><td>${env}</td><td>${when(m.leftAt)}</td><td>${when(m.backAt)}</td><td>${m.outAtEnd ? "yes" : "no"}</td><td>${m.loopAtEnd ? "yes" : "no"}</td></tr>`;
    })
    .join("\n");
  return `<section class="verdict verdict-${v.kind}">
<p><strong>Verdict: ${escapeHtml(v.kind)}</strong> · ${escapeHtml(v.summary)}</p>
${explanationHtml(explainVerdict(v, [], labelOf(r.characteristicMetrics)))}
<table><thead><tr><th>Characteristic metric</th><th>Pre-trigger envelope</th><th>Left it</th><th>Back</th><th>Out at end</th><th>Loop still running</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

/**
 * A self-contained page: `title` in the tab, `body` as given (already escaped), in the run
 * report's style unless `style` is given.
 */
export function htmlPage(title: string, body: string, style: string = STYLE): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The whole run as one self-contained HTML page (inline CSS and SVG, no scripts, no links). */
export function reportHtml(output: RunOutput, svgs: ReportSvg[]): string {
  const r = output.result;
  const name = escapeHtml(r.scenario);
  return htmlPage(
    `${r.scenario} · Metastable report`,
    `<header>
<h1>${name}</h1>
<p class="lead">${escapeHtml(r.description)}</p>
${facts(r)}
${verdictBlock(r)}
</header>
<h2>Configuration</h2>
${components(r)}
<h2>Request flow</h2>
${requestFlow(r)}
<h2>Work by tier</h2>
${workers(r)}
${r.callers.length > 1 ? `<h2>Calls by hop</h2>\n${callers(r)}\n` : ""}<h2>Phases</h2>
${phases(r)}
<h2>Charts</h2>
<div class="charts">
${chartFigures(svgs)}
</div>`,
  );
}

/** Each chart as a figure, anchored by its id and labelled by its title, one after another. */
export function chartFigures(svgs: readonly ReportSvg[]): string {
  return svgs
    .map(
      (s) =>
        `<figure id="chart-${escapeHtml(s.id)}" aria-label="${escapeHtml(s.title)}">\n${s.svg}\n</figure>`,
    )
    .join("\n");
}
