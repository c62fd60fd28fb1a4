import * as echarts from "echarts";
import type { ChartSpec } from "./charts.js";
import { hoverLayer } from "./svg-hover.js";

// ECharts numbers its SVG ids and CSS classes from process-wide counters ("zr3-c0", "zr3-cls-17"),
// so the same chart rendered twice differs, and two charts inlined in one HTML page could share a
// class name whose <style> rules then leak between them. Renaming them after the chart id, numbered
// in order of appearance, fixes both.
const GENERATED_ID = /\bzr\d+-(cls-|ani-|[cgps])(\d+)\b/g;
// Only markup is rewritten (tags and the CDATA style block), never text a user wrote, such as a
// phase label that happens to look like an id.
const MARKUP = /<style[^>]*><!\[CDATA\[[\s\S]*?\]\]>|<[^>]*>/g;

function stableIds(svg: string, chartId: string): string {
  const prefix = `${chartId.replace(/[^A-Za-z0-9_-]/g, "_")}-`;
  const renamed = new Map<string, string>();
  const counters = new Map<string, number>();
  const rename = (token: string, kind: string) => {
    let name = renamed.get(token);
    if (name === undefined) {
      const n = counters.get(kind) ?? 0;
      counters.set(kind, n + 1);
      name = `${prefix}${kind}${n}`;
      renamed.set(token, name);
    }
    return name;
  };
  return svg.replace(MARKUP, (markup) => markup.replace(GENERATED_ID, rename));
}

/**
 * Renders a chart to a standalone SVG string; the same spec and size always give the same bytes.
 * A chart ECharts cannot draw becomes an SVG that says so, rather than failing the whole run.
 */
export function renderSvg(spec: ChartSpec, width = 640, height = 320): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(spec.option);
    const svg = stableIds(chart.renderToSVGString(), spec.id);
    const hover = hoverLayer(chart, spec);
    return hover ? svg.replace(/<\/svg>\s*$/, `${hover}</svg>`) : svg;
  } catch (e) {
    // Found by fuzzing: a 1e-300 s timeout gives an axis range ECharts asserts on (with no message).
    return notDrawn(spec, width, height, (e as Error)?.message || "ECharts failed on these values");
  } finally {
    chart.dispose();
  }
}

function notDrawn(spec: ChartSpec, width: number, height: number, why: string): string {
  const xml = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const text = xml(`${spec.title}: not drawn (${why}); the numbers are in result.json and the CSV files`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<text x="16" y="32" font-family="sans-serif" font-size="13">${text}</text></svg>`
  );
}
