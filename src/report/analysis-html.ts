import type { PairedDifference, VariantSummary } from "../analysis/compare.js";
import type { StabilityResult } from "../analysis/stability.js";
import type { Estimate } from "../analysis/statistics.js";
import type { ThresholdResult } from "../analysis/threshold.js";
import type { Band } from "../fluid/equilibria.js";
import { formatNumber } from "./csv.js";
import type { Explanation } from "./explain.js";
import { chartFigures, escapeHtml, explanationHtml, htmlPage, type ReportSvg } from "./html.js";

// The before/after pages of compare, threshold and stability: an explanation first, then the
// numbers with their intervals, then the seeds that replay them. Self-contained like the run report.

const num = (x: number) => formatNumber(x, 3);
const est = (e: Estimate | null, unit = "") =>
  e === null
    ? "–"
    : e.n < 2
      ? `${num(e.mean)}${unit}`
      : `${num(e.mean)}${unit} [${num(e.low)}, ${num(e.high)}]`;

function figures(svgs: readonly ReportSvg[]): string {
  return svgs.length > 0 ? `<h2>Chart</h2>\n<div class="charts">\n${chartFigures(svgs)}\n</div>` : "";
}

/** A table whose columns after the first are numbers (right-aligned) unless `numeric` says otherwise. */
function table(head: string[], rows: string[][], numeric = head.map((_, i) => i > 0)): string {
  const cls = (i: number) => (numeric[i] ? ' class="num"' : "");
  const th = head.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function header(title: string, lead: string, explanation: readonly Explanation[]): string {
  return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(lead)}</p>
<h2>In plain words</h2>
${explanationHtml(explanation)}
</header>`;
}

/** What a compare report shows. */
export interface CompareReport {
  scenario: string;
  replications: number;
  seeds: number[];
  variants: VariantSummary[];
  differences: PairedDifference[];
}

/** `compare --out`: each variant, then each variant against the baseline, paired by seed. */
export function compareReportHtml(
  r: CompareReport,
  explanation: readonly Explanation[],
  svgs: ReportSvg[],
): string {
  const variants = table(
    ["Variant", "P(stuck)", "Goodput / offered", "Time to recover (s)"],
    r.variants.map((v) => [v.name, est(v.pStuck), est(v.goodputRatio), est(v.timeToRecover)]),
  );
  const diffs = table(
    ["Variant − baseline", "P(stuck)", "Goodput / offered", "Time to recover (s)"],
    r.differences.map((d) => [
      `${d.variant} − ${d.baseline}`,
      est(d.pStuck),
      est(d.goodputRatio),
      est(d.timeToRecover),
    ]),
  );
  const perSeed = table(
    ["Seed", ...r.variants.map((v) => v.name)],
    r.seeds.map((seed, i) => [String(seed), ...r.variants.map((v) => v.trials[i]?.verdict ?? "–")]),
    r.variants.map(() => false),
  );
  return htmlPage(
    `${r.scenario} · Metastable comparison`,
    `${header(
      `${r.scenario}: ${r.variants.length} variants compared`,
      `${r.replications} replications per variant with the same seeds (${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}), so each difference is paired: common random numbers. Brackets are 95% intervals.`,
      explanation,
    )}
<h2>Variants</h2>
${variants}
<h2>Against the baseline</h2>
${diffs}
${figures(svgs)}
<h2>Verdict per seed</h2>
<p class="note">Replay any of them with <code>metastable run SCENARIO --seed N</code> (plus the same <code>--set</code> flags).</p>
${perSeed}`,
  );
}

/** `threshold --out`: the tipping load, the recovery load and every load tried. */
export function thresholdReportHtml(
  scenario: string,
  r: ThresholdResult,
  explanation: readonly Explanation[],
  svgs: ReportSvg[],
  fluid: Band | string = "not computed",
): string {
  const load = (t: { rate: number | null; low: number; high: number }) =>
    t.rate === null ? "not determined" : `${num(t.rate)} req/s [${num(t.low)}, ${num(t.high)}]`;
  const rows = [
    [`Tipping load (left stuck for ${r.recoverWithin} s or more at or above)`, load(r.tip), r.tip.note ?? ""],
    r.recover
      ? [
          `Recovery load (healthy within ${num(r.recoverWithin)} s at or below)`,
          load(r.recover),
          r.recover.note ?? "",
        ]
      : ["Recovery load", "not measured", r.recoverNote ?? ""],
    [
      "Metastable window",
      r.metastableWindow === null ? "–" : `${num(r.metastableWindow)} req/s`,
      "between the two loads, the state depends on history",
    ],
    typeof fluid === "string"
      ? ["Fluid model band", "not available", fluid]
      : [
          "Fluid model band (metastable fluid)",
          fluid.low === null
            ? "none: no stuck state at any load"
            : `${num(fluid.low)} – ${fluid.high === null ? "∞" : num(fluid.high)} req/s`,
          "below low only the healthy state exists (compare the recovery load); above high only the stuck one (the tipping load lies at or below it)",
        ],
  ];
  const points = table(
    ["Load (req/s)", "× base load", "P(stuck)"],
    r.tip.points.map((p) => [num(p.rate), num(p.factor), est(p.probability)]),
  );
  return htmlPage(
    `${scenario} · Metastable threshold`,
    `${header(
      `${scenario}: where it tips`,
      `Base load ${num(r.baseRate)} req/s; ${r.replications} replications per load tried; brackets are 95% intervals.`,
      explanation,
    )}
<h2>Thresholds</h2>
${table(["", "Load", "Note"], rows, [false, true, false])}
${figures(svgs)}
<h2>Loads tried</h2>
${points}`,
  );
}

/** `stability --out`: the basin of the healthy state and, loop by loop, whether a small disturbance decays. */
export function stabilityReportHtml(
  scenario: string,
  r: StabilityResult,
  explanation: readonly Explanation[],
): string {
  const size = (x: number) => (r.unit === "once" ? "once" : `${num(x)} ${r.unit}`);
  const what = r.disturb === "load" ? "a burst of extra requests" : `${r.disturb} of ${r.target}`;
  const sizes = table(
    ["Disturbance size", "P(stuck)"],
    r.sizes.map((x) => [size(x.size), est(x.pStuck)]),
  );
  const loops = table(
    ["Loop metric", "Peak disturbance", "Response"],
    r.loops.map((l) => [
      l.label,
      num(l.peak),
      !l.measurable
        ? "not measurable (within the control run's noise)"
        : l.sustains
          ? "sustains (does not decay)"
          : l.decay
            ? `decays in ${est(l.decay, " s")}`
            : "decays",
    ]),
    [false, true, false],
  );
  const body = r.baseline.healthy
    ? `<h2>Disturbance sizes</h2>
${sizes}
<h2>Loop by loop, at ${escapeHtml(size(r.probeSize))}</h2>
${loops}`
    : `<p>The steady baseline is not healthy (${escapeHtml(r.baseline.summary)}), so no disturbance was measured.</p>`;
  return htmlPage(
    `${scenario} · Metastable stability`,
    `${header(
      `${scenario}: how big a push does the healthy state absorb?`,
      `Steady load ${num(r.load)} req/s; disturbance: ${what} at ${num(r.at)} s; ${r.replications} paired replications (each disturbed run against the same seed undisturbed).`,
      explanation,
    )}
${body}`,
  );
}
