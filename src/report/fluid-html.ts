import type { FluidAnalysis } from "../fluid/analyse.js";
import { formatNumber } from "./csv.js";
import { explainFluid } from "./fluid-explain.js";
import { bandSentence, chainSentence, equilibriumHeader, equilibriumRows } from "./fluid-summary.js";
import { chartFigures, escapeHtml, explanationHtml, htmlPage, type ReportSvg } from "./html.js";
import { PAGE_STYLE } from "./map-html.js";

// One self-contained page like the run report: inline SVG and CSS, no scripts, no dates.

const STYLE = `${PAGE_STYLE}
td:first-child, th:first-child { text-align: left; }
.explain { margin: 12px 0; max-width: 70em; }
.explain dt { font-weight: 600; margin-top: 6px; }
.explain dd { margin: 0; }
`;

const num = (x: number | null) => (x === null ? "–" : formatNumber(x, 3));

/** The fluid report page: band, equilibria, tipping and recovery, and the three charts. */
export function fluidReportHtml(a: FluidAnalysis, svgs: ReportSvg[]): string {
  const name = escapeHtml(a.scenario);
  const m = a.model;
  const chain = chainSentence(a);
  const head = equilibriumHeader(a.equilibria)
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join("");
  const rows = equilibriumRows(a.equilibria)
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  const assumed = [
    ...m.approximations.map((x) => `Assumed: ${x}.`),
    ...m.notModelled.map((x) => `Not modelled: ${x}.`),
  ]
    .map((x) => `<li>${escapeHtml(x)}</li>`)
    .join("\n");
  const t = a.tippingDisturbance;
  const r = a.recovery;
  return htmlPage(
    `${a.scenario} · Metastable fluid model`,
    `<h1>${name}: fluid model</h1>
<p class="lead">${
      chain
        ? `A chain of callers: ${escapeHtml(chain.path)}, queueing at "${escapeHtml(m.server)}" (${escapeHtml(m.queue)}, capacity ${num(m.capacity)} req/s); ${escapeHtml(chain.multiply)}. State: the mean queue at "${escapeHtml(m.server)}" and the orbit of attempts waiting to be retried at any layer.`
        : a.cache
          ? `Client "${escapeHtml(m.client)}" calling cache "${escapeHtml(a.cache.name)}" (${a.cache.capacity} of ${a.cache.keys} keys, ${escapeHtml(a.cache.popularity)}, ${num(100 * a.cache.fullHitRate)}% hit rate when full) over database "${escapeHtml(m.server)}" (${escapeHtml(m.queue)}, capacity ${num(m.capacity)} req/s, timeout ${num(m.timeout)} s, ${m.maxAttempts} attempts). State: the cache's hit rate, the mean queue at the database and the orbit of requests waiting to retry.`
          : `Client "${escapeHtml(m.client)}" calling server "${escapeHtml(m.server)}" (${escapeHtml(m.queue)}, capacity ${num(m.capacity)} req/s, timeout ${num(m.timeout)} s, ${m.maxAttempts} attempts). State: the mean queue at the server and the orbit of requests waiting to retry.`
    } Timeout probability: ${escapeHtml(m.approximation)}.</p>
<h2>In plain words</h2>
${explanationHtml(explainFluid(a))}
<ul class="note">
${assumed}
</ul>
<p><b>${escapeHtml(bandSentence(a))}.</b></p>
<h2>Equilibria at ${num(a.load)} req/s</h2>
<table><thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Tipping and recovery</h2>
<table><tbody>
${t.hitRate === undefined ? "" : `<tr><th>hit rate lost at once that tips it</th><td>${t.hitRate === null ? "–" : `${num(100 * t.hitRate)}%`}</td></tr>\n`}<tr><th>calls added at once that tip it</th><td>${num(t.queue)}</td></tr>
<tr><th>seconds at ${num(t.spikeRate)} req/s that tip it</th><td>${num(t.seconds)}</td></tr>
<tr><th>recovery load (req/s)</th><td>${num(r.load)}</td></tr>
<tr><th>seconds to drain at ${num(r.drainLoad)} req/s</th><td>${num(r.seconds)}</td></tr>
</tbody></table>
<p class="note">${escapeHtml(t.note)}; ${escapeHtml(r.note)}.</p>
<div class="charts">
${chartFigures(svgs)}
</div>`,
    STYLE,
  );
}
