import { analyseRun } from "../analysis/analyse-run.js";
import { parseOverrides } from "../analysis/overrides.js";
import { runScenario } from "../scenario/run.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { loadScenario } from "./load-scenario.js";
import { formatSummary } from "./summary.js";
import { UsageError } from "./usage-error.js";
import { checkOutputFolder, writeOutputFolder } from "./write-output.js";

/** Flags of `metastable run`. */
export interface RunFlags {
  seed?: number;
  out?: string;
  json?: boolean;
  maxEvents?: number;
  maxWallSeconds?: number;
  /** The health rule, e.g. "goodput=0.8,p99=0.5" (see parseHealthFlag). */
  health?: string;
  /** `--set PATH=VALUE` overrides. */
  set?: string[];
}

/**
 * `--health goodput=0.8,p99=0.5,errors=0.05,window=10`: the health rule, over the scenario's
 * `health:` field by field. `pNN=S` is a latency objective: NN% of ended requests within S s.
 */
export function parseHealthFlag(text: string): NonNullable<ScenarioSpec["health"]> {
  const out: NonNullable<ScenarioSpec["health"]> = {};
  for (const part of text.split(",")) {
    const [key, raw] = part.split("=").map((x) => x.trim());
    const value = Number(raw);
    const bad = (what: string) =>
      new UsageError(
        `--health: ${key}=${raw ?? ""}: expected ${what} (e.g. --health goodput=0.8,p99=0.5,errors=0.05)`,
      );
    if (!key || raw === undefined || raw === "" || !Number.isFinite(value)) throw bad("key=number");
    const quantile = /^p(\d{1,2}(?:\.\d+)?)$/.exec(key);
    if (key === "goodput") {
      if (!(value > 0 && value <= 1)) throw bad("a share in (0, 1]");
      out.goodput = value;
    } else if (key === "errors") {
      if (!(value >= 0 && value <= 1)) throw bad("a share in [0, 1]");
      out.errorRate = value;
    } else if (key === "window") {
      if (!(value > 0)) throw bad("seconds > 0");
      out.window = value;
    } else if (quantile) {
      const q = Number(quantile[1]) / 100;
      if (!(q > 0 && q < 1) || !(value > 0)) throw bad("pNN=seconds with 0 < NN < 100 and seconds > 0");
      out.latency = { quantile: q, within: value };
    } else throw bad("one of goodput, errors, window or pNN");
  }
  return out;
}

/** Runs one scenario and prints or writes what the flags ask for. */
export async function runCommand(
  path: string,
  flags: RunFlags,
  print: (text: string) => void,
): Promise<void> {
  if (flags.json && flags.out === "-") throw new UsageError("--out - is not supported; give a folder");
  const file = loadScenario(path, parseOverrides(flags.set)).parsed;
  const parsed =
    flags.health === undefined
      ? file
      : {
          ...file,
          spec: { ...file.spec, health: { ...file.spec.health, ...parseHealthFlag(flags.health) } },
        };
  if (flags.out) checkOutputFolder(flags.out);
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
  let written: string[] = [];
  if (flags.out) {
    const { outputFiles } = await import("./run-output.js");
    written = writeOutputFolder(flags.out, outputFiles(analysed, metrics));
  }
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
