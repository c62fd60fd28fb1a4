import type { MapResult } from "../analysis/map-result.js";
import { formatNumber } from "./csv.js";
import type { MapFluidOverlay } from "./fluid-overlay.js";
import { chartFigures, escapeHtml, htmlPage, type ReportSvg } from "./html.js";

// One self-contained page, like the run report: inline SVG and CSS, no scripts, no dates.

/** The look of the one-page reports (map, fluid model). */
export const PAGE_STYLE = `
body { margin: 0 auto; max-width: 1200px; padding: 24px 32px 48px; color: #222;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.lead, .note { color: #666; max-width: 70em; }
.charts { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); }
figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: 4px; background: #fff; }
figure svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: right; }
th { background: #f6f7f9; font-weight: 600; }
`;

const num = (x: number) => formatNumber(x, 3);

/** What the page says about the fluid band drawn over the map (or why there is none). */
function fluidParagraph(result: MapResult, fluid: MapFluidOverlay | string): string {
  if (typeof fluid === "string") return `<p class="note">Fluid band: not drawn: ${escapeHtml(fluid)}.</p>`;
  const skipped =
    fluid.skipped.length === 0
      ? ""
      : `<p class="note">Not solved by the fluid model: ${fluid.skipped.map(escapeHtml).join("; ")}.</p>`;
  if (fluid.loadAxis === null) {
    return `<p>Fluid model (<code>metastable fluid</code>) at the scenario's own load, cell by cell: a ring where it has both a healthy and a stuck state (a trigger can leave it stuck), a dot where only the stuck state is left. Compare them with the simulated probability of getting stuck.</p>${skipped}`;
  }
  const other = escapeHtml(fluid.loadAxis === "x" ? result.y.param : result.x.param);
  const f = (v: number | null) => (v === null ? "–" : num(v));
  const rows = fluid.bands
    .map((b) => `<tr><td>${num(b.value)}</td><td>${f(b.low)}</td><td>${f(b.high)}</td></tr>`)
    .join("\n");
  return `<p>Dashed lines: the fluid model's bistable band along the load (<code>metastable fluid</code>), as factors of the scenario's load. Below <code>low</code> only the healthy state exists, above <code>high</code> only the stuck one; between them a trigger can leave the system stuck. The simulated tipping load usually lies below <code>high</code> (noise tips it earlier) and the recovery load near <code>low</code>.</p>
<table><thead><tr><th>${other}</th><th>fluid low (× load)</th><th>fluid high (× load)</th></tr></thead>
<tbody>
${rows}
</tbody></table>${skipped}`;
}

/** The map's report page: the heatmaps, the fluid band, and a table of every cell with its intervals. */
export function mapReportHtml(
  result: MapResult,
  svgs: ReportSvg[],
  fluid: MapFluidOverlay | string = "not computed",
): string {
  const name = escapeHtml(result.scenario);
  const rows = result.cells
    .map(
      (c) =>
        `<tr><td>${num(c.x)}</td><td>${num(c.y)}</td><td>${num(c.pStuck.mean)}</td><td>${num(c.pStuck.low)}–${num(c.pStuck.high)}</td><td>${num(c.goodputRatio.mean)}</td><td>${num(c.goodputRatio.low)}–${num(c.goodputRatio.high)}</td></tr>`,
    )
    .join("\n");
  const x = escapeHtml(result.x.param);
  const y = escapeHtml(result.y.param);
  return htmlPage(
    `${result.scenario} · Metastable map`,
    `<h1>${name}: ${x} × ${y}</h1>
<p class="lead">${escapeHtml(result.description)}</p>
<p>${result.x.values.length} × ${result.y.values.length} cells, ${result.replications} replications each (seeds ${result.seeds[0]}..${result.seeds[result.seeds.length - 1]}, the same in every cell). Stuck means the verdict was metastable or unstable.</p>
<div class="charts">
${chartFigures(svgs)}
</div>
${fluidParagraph(result, fluid)}
<h2>Cells</h2>
<table><thead><tr><th>${x}</th><th>${y}</th><th>P(stuck)</th><th>95% interval</th><th>goodput ratio</th><th>95% interval</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p class="note">Intervals: Wilson score for the probability, Student t for the goodput ratio.</p>`,
    PAGE_STYLE,
  );
}
