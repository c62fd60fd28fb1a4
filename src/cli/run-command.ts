import { analyseRun } from "../analysis/analyse-run.js";
import { parseOverrides } from "../analysis/overrides.js";
import { characteristicChart, chartOptions, type MetricSeries } from "../report/charts.js";
import { gaugesCsv, ratesCsv } from "../report/csv.js";
import { reportHtml } from "../report/html.js";
import { renderSvg } from "../report/svg.js";
import { runScenario } from "../scenario/run.js";
import type { RunOutput } from "../scenario/run-result.js";
import { loadScenario } from "./load-scenario.js";
import { formatSummary } from "./summary.js";
import { UsageError } from "./usage-error.js";
import { writeFilesAtomically } from "./write-output.js";

/** Flags of `metastable run`. */
export interface RunFlags {
  seed?: number;
  out?: string;
  json?: boolean;
  maxEvents?: number;
  maxWallSeconds?: number;
  /** `--set PATH=VALUE` overrides. */
  set?: string[];
}

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

/** Runs one scenario and prints or writes what the flags ask for. */
export function runCommand(path: string, flags: RunFlags, print: (text: string) => void): void {
  if (flags.json && flags.out === "-") throw new UsageError("--out - is not supported; give a folder");
  const { parsed } = loadScenario(path, parseOverrides(flags.set));
  const output = runScenario(parsed, {
    ...(flags.seed !== undefined && { seed: flags.seed }),
    ...(flags.maxEvents !== undefined && { maxEvents: flags.maxEvents }),
    ...(flags.maxWallSeconds !== undefined && { maxWallSeconds: flags.maxWallSeconds }),
  });
  const budgets = {
    ...(flags.maxEvents !== undefined && { maxEvents: flags.maxEvents }),
    ...(flags.maxWallSeconds !== undefined && { maxWallSeconds: flags.maxWallSeconds }),
  };
  const { result, metrics } = analyseRun(parsed, output, {}, budgets);
  const analysed = { ...output, result };
  const written = flags.out ? writeFilesAtomically(flags.out, outputFiles(analysed, metrics)) : [];
  if (flags.json) {
    print(`${JSON.stringify(analysed.result, null, 2)}\n`);
    return;
  }
  print(formatSummary(analysed.result));
  if (written.length > 0) {
    const report = written.find((f) => f.endsWith("report.html"));
    print(`\nWrote ${written.length} files to ${flags.out} (open ${report} in a browser).\n`);
  }
}
