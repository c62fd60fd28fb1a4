import type { MapResult } from "../analysis/sweep.js";
import { mapHeatmap } from "../report/heatmap.js";
import { mapReportHtml } from "../report/map-html.js";
import { renderSvg } from "../report/svg.js";

// Only `map --out` and `merge --out` need the chart library: this file is imported when used.

/** Every file `map --out` writes besides the checkpoint. */
export function mapFiles(
  result: MapResult,
  json = `${JSON.stringify(result, null, 2)}\n`,
): Record<string, string> {
  const charts = (["pStuck", "goodputRatio"] as const).map((metric) => {
    const spec = mapHeatmap(result, metric);
    return { id: spec.id, title: spec.title, svg: renderSvg(spec, 720, 520) };
  });
  const files: Record<string, string> = { "map.json": json };
  for (const c of charts) files[`${c.id}.svg`] = c.svg;
  files["report.html"] = mapReportHtml(result, charts);
  return files;
}
