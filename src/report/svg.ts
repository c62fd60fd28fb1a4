import * as echarts from "echarts";
import type { ChartSpec } from "./charts.js";

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

/** Renders a chart to a standalone SVG string; the same spec and size always give the same bytes. */
export function renderSvg(spec: ChartSpec, width = 640, height = 320): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(spec.option);
    return stableIds(chart.renderToSVGString(), spec.id);
  } finally {
    chart.dispose();
  }
}
