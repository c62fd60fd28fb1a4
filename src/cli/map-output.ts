import type { MapResult } from "../analysis/sweep.js";
import type { MapFluidOverlay } from "../report/fluid-overlay.js";
import { mapHeatmap } from "../report/heatmap.js";
import { mapReportHtml } from "../report/map-html.js";
import { renderSvg } from "../report/svg.js";

// Only `map --out` and `merge --out` need the chart library: this file is imported when used.

/**
 * Every file `map --out` writes besides the checkpoint. `fluid` is the fluid model's band laid over
 * the map, or why there is none (a merged map carries no scenario text; a refusal).
 */
export function mapFiles(
  result: MapResult,
  json = `${JSON.stringify(result, null, 2)}\n`,
  fluid: MapFluidOverlay | string = "not computed",
): Record<string, string> {
  const overlay = typeof fluid === "string" ? undefined : fluid;
  const charts = (["pStuck", "goodputRatio"] as const).map((metric) => {
    const spec = mapHeatmap(result, metric, overlay);
    return { id: spec.id, title: spec.title, svg: renderSvg(spec, 720, 520) };
  });
  const files: Record<string, string> = { "map.json": json };
  for (const c of charts) files[`${c.id}.svg`] = c.svg;
  files["report.html"] = mapReportHtml(result, charts, fluid);
  return files;
}
