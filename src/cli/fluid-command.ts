import { describeOverrides, parseOverrides } from "../analysis/overrides.js";
import { analyseScenarioFluid, type FluidOptions } from "../fluid/analyse.js";
import { fluidCharts } from "../report/fluid-charts.js";
import { fluidReportHtml } from "../report/fluid-html.js";
import { fluidSummary } from "../report/fluid-summary.js";
import { loadScenario } from "./load-scenario.js";
import { UsageError } from "./usage-error.js";
import { checkOutputFolder, writeOutputFolder } from "./write-output.js";

/** Flags of `metastable fluid`. */
export interface FluidFlags {
  json?: boolean;
  out?: string;
  load?: number;
  spike?: number;
  drainLoad?: number;
  /** `--set PATH=VALUE` overrides, as for run and map (`load` multiplies every source's load). */
  set?: string[];
}

/** Solves the scenario's fluid model and prints or writes what the flags ask for. */
export async function fluidCommand(
  path: string,
  flags: FluidFlags,
  print: (text: string) => void,
): Promise<void> {
  if (flags.out === "-") throw new UsageError("--out - is not supported; give a folder");
  if (flags.out) checkOutputFolder(flags.out);
  const options: FluidOptions = {
    ...(flags.load !== undefined && { load: flags.load }),
    ...(flags.spike !== undefined && { spikeRate: flags.spike }),
    ...(flags.drainLoad !== undefined && { drainLoad: flags.drainLoad }),
  };
  const overrides = parseOverrides(flags.set);
  // Read as `run` reads it: trace CSVs loaded, overrides applied; refusals still point into the file.
  const analysis = analyseScenarioFluid(loadScenario(path, overrides).parsed, options);
  const json = `${JSON.stringify(analysis, null, 2)}\n`;
  let written: string[] = [];
  if (flags.out) {
    // The chart library (about 600 modules) is loaded only for a report.
    const { renderSvg } = await import("../report/svg.js");
    const charts = fluidCharts(analysis).map((spec) => ({
      id: spec.id,
      title: spec.title,
      svg: renderSvg(spec),
    }));
    const files: Record<string, string> = { "fluid.json": json };
    for (const c of charts) files[`${c.id}.svg`] = c.svg;
    files["report.html"] = fluidReportHtml(analysis, charts);
    written = writeOutputFolder(flags.out, files);
  }
  if (flags.json) {
    print(json);
    return;
  }
  if (overrides.length > 0) print(`with ${describeOverrides(overrides)}:\n`);
  print(fluidSummary(analysis));
  if (written.length > 0) {
    const report = written.find((f) => f.endsWith("report.html"));
    print(`\nWrote ${written.length} files to ${flags.out} (open ${report} in a browser).\n`);
  }
}
