import { characteristicChart, chartOptions, type MetricSeries } from "../report/charts.js";
import { gaugesCsv, ratesCsv } from "../report/csv.js";
import { reportHtml } from "../report/html.js";
import { renderSvg } from "../report/svg.js";
import type { RunOutput } from "../scenario/run-result.js";

// Only `run --out` needs the chart library (hundreds of modules): this file is imported when used.

/**
 * Every file `--out` writes, by name: the study's eight charts, then one per characteristic metric
 * with its pre-trigger envelope (the same chart builders the dashboard draws with).
 */
export function outputFiles(
  output: RunOutput,
  metrics: readonly MetricSeries[] = [],
): Record<string, string> {
  const specs = [...chartOptions(output), ...metrics.map((m) => characteristicChart(output, m))];
  const charts = specs.map((spec) => ({
    id: spec.id,
    title: spec.title,
    svg: renderSvg(spec),
  }));
  const files: Record<string, string> = {
    "result.json": `${JSON.stringify(output.result, null, 2)}\n`,
    "gauges.csv": gaugesCsv(output.series),
    "rates.csv": ratesCsv(output.series),
  };
  for (const c of charts) files[`${c.id}.svg`] = c.svg;
  files["report.html"] = reportHtml(output, charts);
  return files;
}
