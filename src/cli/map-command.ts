import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { identityOf } from "../analysis/job-identity.js";
import { parseOverrides, withOverrides } from "../analysis/overrides.js";
import {
  type MapCell,
  type MapResult,
  plannedJobs,
  planSweep,
  runSweepJobs,
  summariseSweep,
  sweepJobs,
} from "../analysis/sweep.js";
import { mergeRecords, parseRecord, recordText } from "../analysis/sweep-record.js";
import type { TrialResult } from "../analysis/trial.js";
import { readScenarioText } from "../files/scenario-file.js";
import { formatNumber } from "../report/csv.js";
import { type ParsedScenario, parseScenarioText } from "../scenario/parse.js";
import { Checkpoint } from "./checkpoint.js";
import { InterruptedError } from "./interrupted-error.js";
import { makeRunner, type RunnerFlags } from "./runner.js";
import { parseAxis, parseShard } from "./sweep-flags.js";
import { UsageError } from "./usage-error.js";
import { checkOutputFolder, writeFileAtomically, writeOutputFolder } from "./write-output.js";

/** Flags of `metastable map`. */
export interface MapFlags extends RunnerFlags {
  x: string;
  y: string;
  replications?: number;
  refine?: number;
  out?: string;
  json?: boolean;
  shard?: string;
  partial?: string;
  /** `--set` overrides applied before the sweep (part of the sweep's identity). */
  set?: string[];
}

/** Name of the checkpoint file in the output folder. */
export const CHECKPOINT_FILE = "checkpoint.jsonl";

/** `metastable map`: P(stuck) and goodput over a grid of two parameters, resumable and shardable. */
export async function mapCommand(
  file: string,
  flags: MapFlags,
  print: (s: string) => void,
  log: (s: string) => void,
): Promise<void> {
  const x = parseAxis(flags.x, "--x");
  const y = parseAxis(flags.y, "--y");
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  if (shard && !flags.out && !flags.partial)
    throw new UsageError("--shard writes a partial result: give --partial FILE or --out DIR");
  if (flags.partial && !shard) throw new UsageError("--partial is for sharded runs; add --shard i/n");
  if (shard && flags.refine)
    throw new UsageError(
      "--refine picks cells from the whole map, so it cannot run in shards; drop --shard or --refine",
    );
  if (flags.out) checkOutputFolder(flags.out);
  const text = readScenarioText(file);
  const parsed = withOverrides(parseScenarioText(text, file), parseOverrides(flags.set));
  for (const axis of [x, y])
    if (flags.set?.some((s) => s.trim().startsWith(`${axis.param}=`)))
      throw new UsageError(`${axis.param} is both swept and set with --set; drop one`);
  const header = planSweep(parsed, x, y, flags.replications ?? 5, flags.refine ?? 0);
  // Refinement rounds add jobs once the jobs before them are done.
  const planned = () => (shard ? sweepJobs(header, shard) : plannedJobs(header, done).jobs);
  const partialFile = shard
    ? (flags.partial ?? join(flags.out!, `partial-${shard.index}-of-${shard.count}.jsonl`))
    : null;
  const checkpointFile = flags.out
    ? join(flags.out, CHECKPOINT_FILE)
    : partialFile
      ? join(dirname(partialFile), `${basename(partialFile)}.checkpoint`)
      : null;

  let done = new Map<string, TrialResult>();
  let checkpoint: Checkpoint | null = null;
  if (checkpointFile) {
    ({ checkpoint, done } = Checkpoint.open(checkpointFile, header, shard));
    const jobs = planned();
    const kept = jobs.filter((j) => done.has(j.id)).length;
    if (kept > 0 && !flags.quiet)
      log(`resuming from ${checkpointFile}: ${kept} of ${jobs.length} trials already done\n`);
  }
  const stop = new AbortController();
  const onSigint = () => stop.abort(new InterruptedError("interrupted", "SIGINT"));
  const onSigterm = () => stop.abort(new InterruptedError("terminated", "SIGTERM"));
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigterm);
  const runner = makeRunner(parsed, text, file, flags, log, "map");
  try {
    for (let jobs = planned(); jobs.some((j) => !done.has(j.id)); jobs = planned()) {
      await runSweepJobs(parsed, header, jobs, runner.run, done, {
        signal: stop.signal,
        ...(checkpoint && { onResult: (job, result) => checkpoint.append(job, result) }),
      });
    }
  } catch (e) {
    if (stop.signal.aborted) {
      const jobs = planned();
      const finished = jobs.filter((j) => done.has(j.id)).length;
      const where = checkpointFile
        ? `kept in ${checkpointFile}; run the same command again to resume`
        : "not kept (give --out DIR to keep finished trials)";
      const { signal } = stop.signal.reason as InterruptedError;
      throw new InterruptedError(
        `${signal === "SIGTERM" ? "terminated (SIGTERM)" : "interrupted"}: ${finished} of ${jobs.length} trials finished, ${where}`,
        signal,
      );
    }
    throw e;
  } finally {
    process.removeListener("SIGINT", onSigint);
    process.removeListener("SIGTERM", onSigterm);
    await runner.close();
    checkpoint?.close();
  }

  if (shard) {
    const jobs = planned();
    writeFileAtomically(partialFile!, recordText(header, shard, jobs, done));
    const cells = new Set(jobs.map((j) => j.cell)).size;
    print(
      `shard ${shard.index}/${shard.count}: ${cells} cells, ${jobs.length} trials written to ${partialFile}\nmerge the partials of every shard with: metastable merge <partial...>\n`,
    );
    return;
  }
  await emitMap(summariseSweep(header, done), flags, print, parsed);
}

/** `metastable merge <partial...>`: the map of a sharded run, exactly as one unsharded run gives it. */
export async function mergeCommand(
  files: string[],
  flags: { out?: string; json?: boolean; scenario?: string; set?: string[] },
  print: (s: string) => void,
): Promise<void> {
  if (flags.out) checkOutputFolder(flags.out);
  const records = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (e) {
      throw new UsageError(
        `cannot read partial file ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    return parseRecord(text, f);
  });
  const { header, results } = mergeRecords(records);
  // The partials carry the scenario's identity, not its text: with --scenario (and the map's
  // --set) the fluid band is drawn as the unsharded map draws it.
  let scenario: ParsedScenario | string =
    "a merged map carries no scenario text; give the scenario with --scenario, or run `metastable fluid` on it";
  if (flags.scenario) {
    const parsed = withOverrides(
      parseScenarioText(readScenarioText(flags.scenario), flags.scenario),
      parseOverrides(flags.set),
    );
    if (identityOf(parsed.spec) !== header.scenarioHash)
      throw new UsageError(
        `${flags.scenario} (with the --set given) is not the scenario the partials were run on (content ${identityOf(parsed.spec).slice(0, 8)} vs ${header.scenarioHash.slice(0, 8)}); give the same file and --set as the map`,
      );
    scenario = parsed;
  }
  await emitMap(summariseSweep(header, results), flags, print, scenario);
}

async function emitMap(
  result: MapResult,
  flags: { out?: string; json?: boolean },
  print: (s: string) => void,
  scenario: ParsedScenario | string,
): Promise<void> {
  const { mapFluidBand } = await import("./fluid-bands.js");
  const { mapFluidSection, mapFluidText } = await import("../report/fluid-overlay.js");
  const fluid = typeof scenario === "string" ? scenario : mapFluidBand(scenario, result);
  const section = mapFluidSection(fluid);
  const json = `${JSON.stringify({ ...result, fluid: section }, null, 2)}\n`;
  if (flags.out) {
    const { mapFiles } = await import("./map-output.js");
    // The checkpoint and partials stay: a rerun prints the map from them at once.
    writeOutputFolder(flags.out, mapFiles(result, json, fluid), (name) => name.endsWith(".jsonl"));
  }
  print(
    flags.json
      ? json
      : `${formatMap(result)}\n${mapFluidText(section, result.x, result.y).join("\n")}\n${flags.out ? `\nwrote ${join(flags.out, "report.html")}\n` : ""}`,
  );
}

const fmt = (v: number) => formatNumber(v, 3);

/** The map as two text tables (highest y on top, as on the heatmap). */
export function formatMap(result: MapResult): string {
  const xs = result.x.values;
  const ys = result.y.values;
  const width = xs.reduce((w, v) => Math.max(w, fmt(v).length + 1), 6);
  const yWidth = ys.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const cell = (ix: number, iy: number) => result.cells[iy * xs.length + ix]!;
  const table = (title: string, value: (c: MapCell) => number) => {
    const lines = [
      `${title} (rows: ${result.y.param}, columns: ${result.x.param})`,
      `${" ".repeat(yWidth + 2)}${xs.map((v) => fmt(v).padStart(width)).join("")}`,
    ];
    for (let iy = ys.length - 1; iy >= 0; iy--)
      lines.push(
        `  ${fmt(ys[iy]!).padStart(yWidth)}${xs.map((_, ix) => value(cell(ix, iy)).toFixed(2).padStart(width)).join("")}`,
      );
    return lines.join("\n");
  };
  return `${[
    `${result.scenario}: ${xs.length} x ${ys.length} cells, ${result.replications} replications each (seeds ${result.seeds[0]}..${result.seeds[result.seeds.length - 1]})`,
    "",
    table("P(stuck)", (c) => c.pStuck.mean),
    "",
    table("Goodput / offered after the triggers", (c) => c.goodputRatio.mean),
    "",
    ...refinedNote(result),
    "P(stuck) is the share of replications ending metastable or unstable; --json gives 95% intervals per cell.",
  ].join("\n")}\n`;
}

function refinedNote(result: MapResult): string[] {
  const refined = result.cells.filter((c) => c.pStuck.n > result.replications);
  if (refined.length === 0) return [];
  const most = refined.reduce((n, c) => Math.max(n, c.pStuck.n), 0);
  return [
    `Refined: ${refined.length} cells near the stuck/not-stuck boundary got more replications (up to ${most}).`,
  ];
}
