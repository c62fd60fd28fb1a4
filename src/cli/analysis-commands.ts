import { analyseRun } from "../analysis/analyse-run.js";
import { compareVariants } from "../analysis/compare.js";
import { describeOverrides, type Override, parseOverrides } from "../analysis/overrides.js";
import { probeStability, type StabilityOptions } from "../analysis/stability.js";
import type { Estimate } from "../analysis/statistics.js";
import { findThresholds } from "../analysis/threshold.js";
import { replicationSeeds } from "../analysis/trial.js";
import { compareChart, thresholdChart } from "../report/analysis-charts.js";
import { compareReportHtml, stabilityReportHtml, thresholdReportHtml } from "../report/analysis-html.js";
import type { ChartSpec } from "../report/charts.js";
import { type Explanation, explainVerdict } from "../report/explain.js";
import { labelOf } from "../report/html.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import { thresholdFluidBand } from "./fluid-bands.js";
import { loadScenario } from "./load-scenario.js";
import { makeRunner, type RunnerFlags } from "./runner.js";
import { UsageError } from "./usage-error.js";
import { checkOutputFolder, writeOutputFolder } from "./write-output.js";

/** Flags every analysis command shares: what-ifs and a report folder. */
export interface WhatIfFlags {
  /** `--set PATH=VALUE`, applied to every scenario the command runs. */
  set?: string[];
  /** Write the JSON result and a self-contained report.html here. */
  out?: string;
}

/** The explanation of one run of the scenario at its own seed: what the numbers of a batch stand for. */
function explainOneRun(
  parsed: ParsedScenario,
  tried: Parameters<typeof explainVerdict>[1] = [],
): Explanation[] {
  const seed = typeof parsed.spec.seed === "number" ? parsed.spec.seed : 1;
  const { verdict, result } = analyseRun(parsed, runScenario(parsed, { seed }));
  const points = explainVerdict(verdict, tried, labelOf(result.characteristicMetrics));
  return [
    ...points,
    {
      heading: "Which run",
      text: `The explanation above describes one run at seed ${seed}; the tables below cover every replication.`,
    },
  ];
}

/** Writes the report folder; the chart library (about 600 modules) is loaded only here, for --out. */
async function writeReport(
  dir: string,
  files: Record<string, string>,
  charts: ChartSpec[],
  html: (svgs: { id: string; title: string; svg: string }[]) => string,
): Promise<string> {
  const { renderSvg } = await import("../report/svg.js");
  const svgs = charts.map((c) => ({ id: c.id, title: c.title, svg: renderSvg(c) }));
  for (const s of svgs) files[`${s.id}.svg`] = s.svg;
  files["report.html"] = html(svgs);
  checkOutputFolder(dir);
  const written = writeOutputFolder(dir, files);
  const report = written.find((f) => f.endsWith("report.html"));
  return `\nWrote ${written.length} files to ${dir} (open ${report} in a browser).\n`;
}

/** A variant given as `PATH=VALUE,PATH=VALUE`: the baseline scenario with those overrides on top of `--set`. */
function variantOverrides(base: readonly Override[], text: string): Override[] {
  const own = parseOverrides(
    text.split(",").filter((p) => p.trim() !== ""),
    "--variant",
  );
  if (own.length === 0) throw new UsageError(`--variant needs at least one <param>=<value>, got "${text}"`);
  return [...base.filter((b) => !own.some((o) => o.param === b.param)), ...own];
}

const fmt = (x: number, digits = 3) =>
  Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : String(x);
const est = (e: Estimate | null, digits = 3) =>
  e === null
    ? "–"
    : e.n < 2
      ? fmt(e.mean, digits)
      : `${fmt(e.mean, digits)} [${fmt(e.low, digits)}, ${fmt(e.high, digits)}]`;

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be an integer >= 1, got ${value}`);
  return n;
}

/** `metastable compare <scenario> <variant>...`: paired replications with common random numbers. */
export async function compareCommand(
  files: string[],
  flags: { replications?: number; json?: boolean; variant?: string[] } & WhatIfFlags & RunnerFlags,
  print: (s: string) => void,
  log?: (s: string) => void,
): Promise<void> {
  const extra = flags.variant ?? [];
  if (files.length + extra.length < 2)
    throw new UsageError(
      "compare needs a scenario and at least one variant: another scenario file, or --variant <param=value,...>",
    );
  const replications = positiveInt("--replications", flags.replications, 10);
  const base = parseOverrides(flags.set);
  const label = (file: string, o: readonly Override[]) =>
    o.length > 0 ? `${file} with ${describeOverrides(o)}` : file;
  const entries = [
    ...files.map((f) => ({ name: label(f, base), file: f, ...loadScenario(f, base) })),
    ...extra.map((text) => {
      const o = variantOverrides(base, text);
      return { name: label(files[0]!, o), file: files[0]!, ...loadScenario(files[0]!, o) };
    }),
  ];
  const names = new Set(entries.map((e) => e.name));
  if (names.size < entries.length)
    throw new UsageError("two variants are the same scenario with the same settings; nothing to compare");
  const baseline = entries[0]!.parsed;
  const seeds = replicationSeeds(
    typeof baseline.spec.seed === "number" ? baseline.spec.seed : 1,
    replications,
  );
  const variants = [];
  for (const e of entries) {
    const runner = makeRunner(e.parsed, e.text, e.file, flags, log, "compare");
    try {
      const trials = await runner.run(seeds.map((seed) => ({ spec: e.parsed.spec, seed })));
      variants.push({ name: e.name, trials });
    } finally {
      await runner.close();
    }
  }
  const result = compareVariants(variants);
  const json = `${JSON.stringify({ replications, seeds, ...result }, null, 2)}\n`;
  let wrote = "";
  if (flags.out) {
    const explanation = explainOneRun(
      baseline,
      result.differences.map((d) => ({ name: d.variant, ...d })),
    );
    const report = { scenario: baseline.spec.name, replications, seeds, ...result };
    wrote = await writeReport(flags.out, { "compare.json": json }, [compareChart(result.variants)], (svgs) =>
      compareReportHtml(report, explanation, svgs),
    );
  }
  if (flags.json) {
    print(json);
    return;
  }
  const done = () => wrote && print(wrote);
  const lines = [
    `Compared over ${replications} replications, seeds ${seeds[0]}..${seeds[seeds.length - 1]} (common random numbers), 95% intervals:`,
    "",
  ];
  for (const v of result.variants) {
    lines.push(
      `${v.name}`,
      `  P(stuck)          ${est(v.pStuck, 2)}`,
      `  goodput/offered   ${est(v.goodputRatio)}`,
      `  time to recover   ${est(v.timeToRecover)} s`,
    );
  }
  lines.push("", "Paired differences (variant - baseline):");
  for (const d of result.differences) {
    lines.push(
      `${d.variant} - ${d.baseline}`,
      `  goodput/offered   ${est(d.goodputRatio)}`,
      `  P(stuck)          ${est(d.pStuck, 2)}`,
      `  time to recover   ${est(d.timeToRecover)} s`,
    );
  }
  print(`${lines.join("\n")}\n`);
  done();
}

/** `metastable threshold <scenario>`: the load that tips it and the load it must drop to. */
export async function thresholdCommand(
  file: string,
  flags: {
    replications?: number;
    low?: number;
    high?: number;
    tolerance?: number;
    recoverWithin?: number;
    json?: boolean;
  } & WhatIfFlags &
    RunnerFlags,
  print: (s: string) => void,
  log?: (s: string) => void,
): Promise<void> {
  const { text, parsed } = loadScenario(file, parseOverrides(flags.set));
  const replications = positiveInt("--replications", flags.replications, 5);
  const low = flags.low ?? 0.1;
  const high = flags.high ?? 2;
  if (!(low > 0 && high > low))
    throw new UsageError(`the load range must satisfy 0 < --low < --high, got ${low}..${high}`);
  const runner = makeRunner(parsed, text, file, flags, log, "threshold");
  let result: Awaited<ReturnType<typeof findThresholds>>;
  try {
    result = await findThresholds(parsed, runner.run, {
      replications,
      low,
      high,
      ...(flags.tolerance !== undefined && { tolerance: flags.tolerance }),
      ...(flags.recoverWithin !== undefined && { recoverWithin: flags.recoverWithin }),
    });
  } finally {
    await runner.close();
  }
  // The fluid model's band beside the simulated loads (requests per second), or why there is none.
  const fluid = thresholdFluidBand(parsed);
  const fluidSection =
    typeof fluid === "string" ? { bistable: null, note: fluid } : { bistable: fluid, note: null };
  const json = `${JSON.stringify({ ...result, fluid: fluidSection }, null, 2)}\n`;
  let wrote = "";
  if (flags.out) {
    const r = result;
    const where: Explanation = {
      heading: "Where it tips",
      text:
        r.tip.rate === null
          ? `The tipping load was not determined within the loads tried: ${r.tip.note ?? "no answer"}.`
          : `With this trigger the system is still stuck ${fmt(r.recoverWithin)} s after it ends, on most seeds, at ${fmt(r.tip.rate)} req/s and above (${fmt(r.tip.factor ?? 0)} x the scenario's load of ${fmt(r.baseRate)} req/s).${r.recover?.rate != null ? ` Once stuck, it recovers within ${fmt(r.recoverWithin)} s only at ${fmt(r.recover.rate)} req/s or below.` : ""}${r.metastableWindow !== null ? ` Between the two, whether it is healthy depends on its history: a metastable window ${fmt(r.metastableWindow)} req/s wide.` : ""}`,
    };
    const explanation = [where, ...explainOneRun(parsed)];
    wrote = await writeReport(flags.out, { "threshold.json": json }, [thresholdChart(r, fluid)], (svgs) =>
      thresholdReportHtml(parsed.spec.name, r, explanation, svgs, fluid),
    );
  }
  if (flags.json) {
    print(json);
    return;
  }
  const done = () => wrote && print(wrote);
  const t = result.tip;
  const answer = (th: { rate: number | null; low: number; high: number; note: string | null }) =>
    th.rate === null
      ? `${th.note ?? "not determined"} (searched ${fmt(th.low)} to ${fmt(th.high)} req/s)`
      : `${fmt(th.rate)} req/s  [${fmt(th.low)}, ${fmt(th.high)}]${th.note ? `  (${th.note})` : ""}`;
  const lines = [
    `Base load ${fmt(result.baseRate)} req/s; ${replications} replications per load tried; 95% intervals.`,
    `Tipping load (the trigger leaves it stuck for ${fmt(result.recoverWithin)} s or more at or above):  ${answer(t)}`,
  ];
  if (result.recover) {
    lines.push(
      `Recovery load (once stuck at ${fmt(result.recoverFrom ?? 0)} req/s, recovers within ${fmt(result.recoverWithin)} s at or below):  ${answer(result.recover)}`,
    );
    if (result.drainTime) lines.push(`  at that load it took ${est(result.drainTime)} s to be healthy again`);
  } else {
    lines.push(`Recovery load not measured: ${result.recoverNote ?? "never stuck in the searched range"}.`);
  }
  if (result.metastableWindow !== null)
    lines.push(
      `Metastable window: ${fmt(result.metastableWindow)} req/s wide: between the two loads the state depends on history`,
    );
  else if (t.rate !== null && result.recover?.rate !== null && result.recover?.rate !== undefined)
    lines.push("No metastable window: the system recovers at any load at which it tips");
  lines.push(
    typeof fluid === "string"
      ? `Fluid model band: not available: ${fluid}`
      : fluid.low === null
        ? "Fluid model band: none (no stuck state at any load)"
        : `Fluid model band: bistable between ${fmt(fluid.low)} and ${fluid.high === null ? "any load" : `${fmt(fluid.high)} req/s`} (below ${fmt(fluid.low)} only the healthy state: compare the recovery load; above ${fluid.high === null ? "–" : fmt(fluid.high)} only the stuck one: an upper bound on the tipping load)`,
  );
  lines.push(
    "",
    `Loads tried, probability of being stuck ${fmt(result.recoverWithin)} s after the trigger ended:`,
  );
  for (const p of t.points) lines.push(`  ${fmt(p.rate).padStart(8)} req/s  P = ${est(p.probability, 2)}`);
  if (result.recover && result.recover.points.length > 0) {
    lines.push(`Loads held once stuck, probability of recovering within ${fmt(result.recoverWithin)} s:`);
    for (const p of result.recover.points)
      lines.push(
        `  ${fmt(p.rate).padStart(8)} req/s  P = ${est(p.probability, 2)}${p.drainTime ? `  drain ${est(p.drainTime)} s` : ""}`,
      );
  }
  print(`${lines.join("\n")}\n`);
  done();
}

/** `metastable stability <scenario>`: how big a disturbance the healthy state absorbs, loop by loop. */
export async function stabilityCommand(
  file: string,
  flags: {
    load?: number;
    burst?: number;
    at?: number;
    replications?: number;
    disturb?: string;
    target?: string;
    sizes?: string;
    json?: boolean;
  } & WhatIfFlags,
  print: (s: string) => void,
): Promise<void> {
  const { parsed } = loadScenario(file, parseOverrides(flags.set));
  const kinds = ["load", "pause", "unreachable", "crash", "flush"];
  if (flags.disturb !== undefined && !kinds.includes(flags.disturb))
    throw new UsageError(`--disturb must be one of ${kinds.join(", ")}, got "${flags.disturb}"`);
  const sizes =
    flags.sizes === undefined
      ? undefined
      : flags.sizes.split(",").map((x) => {
          const v = Number(x);
          if (!(v > 0) || !Number.isFinite(v))
            throw new UsageError(
              `--sizes must be positive numbers separated by commas, got "${flags.sizes}"`,
            );
          return v;
        });
  let result: ReturnType<typeof probeStability>;
  try {
    result = probeStability(parsed, {
      ...(flags.load !== undefined && { load: flags.load }),
      ...(flags.burst !== undefined && { burst: flags.burst }),
      ...(flags.at !== undefined && { at: flags.at }),
      ...(flags.disturb !== undefined && { disturb: flags.disturb as StabilityOptions["disturb"] }),
      ...(flags.target !== undefined && { target: flags.target }),
      ...(sizes && { sizes: [...sizes].sort((a, b) => a - b) }),
      replications: positiveInt("--replications", flags.replications, 3),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const json = `${JSON.stringify(result, null, 2)}\n`;
  let wrote = "";
  if (flags.out) {
    const unit = (x: number) => (result.unit === "once" ? "once" : `${fmt(x)} ${result.unit}`);
    const sustaining = result.loops.filter((l) => l.sustains).map((l) => l.label);
    const loops: Explanation = {
      heading: "How big a push it absorbs",
      text: !result.baseline.healthy
        ? `At ${fmt(result.load)} req/s the steady state is not healthy to begin with (${result.baseline.summary}), so there is nothing to disturb.`
        : `${
            result.tippingSize === null
              ? `At ${fmt(result.load)} req/s no disturbance tried (up to ${unit(result.sizes[result.sizes.length - 1]?.size ?? 0)}) left the system stuck.`
              : `At ${fmt(result.load)} req/s a disturbance of ${unit(result.tippingSize)} leaves the system stuck on most seeds: that is the edge of the healthy state's basin.`
          } ${
            sustaining.length > 0
              ? `Even the smallest disturbance tried is sustained by ${sustaining.join(", ")}: a loop holds it.`
              : "The smallest disturbance tried dies out in every loop measured."
          }`,
    };
    const explanation = [loops, ...explainOneRun(parsed)];
    wrote = await writeReport(flags.out, { "stability.json": json }, [], () =>
      stabilityReportHtml(parsed.spec.name, result, explanation),
    );
  }
  if (flags.json) {
    print(json);
    return;
  }
  const done = () => wrote && print(wrote);
  const what =
    result.disturb === "load" ? "a burst of extra requests" : `${result.disturb} of ${result.target}`;
  const lines = [
    `Steady load ${fmt(result.load)} req/s; disturbance: ${what} at ${result.at} s; ${result.replications} paired replications.`,
  ];
  lines.push(`Baseline: ${result.baseline.summary}.`);
  if (!result.baseline.healthy) {
    print(`${lines.join("\n")}\n`);
    done();
    return;
  }
  const size = (x: number) => (result.unit === "once" ? "once" : `${fmt(x)} ${result.unit}`);
  lines.push("", "Disturbance size, probability of staying stuck:");
  for (const s of result.sizes) lines.push(`  ${size(s.size).padStart(16)}  P = ${est(s.pStuck, 2)}`);
  lines.push(
    result.tippingSize === null
      ? `No size tried left it stuck: the healthy state's basin is larger than ${size(result.sizes[result.sizes.length - 1]!.size)}.`
      : `Smallest disturbance that leaves it stuck: ${size(result.tippingSize)} (the edge of the healthy state's basin).`,
    "",
    `Loop by loop, at the smallest disturbance (${size(result.probeSize)}):`,
  );
  for (const l of result.loops) {
    const response = !l.measurable
      ? "not measurable (within the control run's noise)"
      : l.sustains
        ? "SUSTAINS (does not decay)"
        : l.decay
          ? `decays in ${est(l.decay)} s`
          : "decays";
    lines.push(`  ${l.label.padEnd(34)} peak ${fmt(l.peak).padStart(10)}  ${response}`);
  }
  print(`${lines.join("\n")}\n`);
  done();
}
