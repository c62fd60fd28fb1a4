import { compareVariants } from "../analysis/compare.js";
import { probeStability, type StabilityOptions } from "../analysis/stability.js";
import type { Estimate } from "../analysis/statistics.js";
import { findThresholds } from "../analysis/threshold.js";
import { replicationSeeds } from "../analysis/trial.js";
import { parseScenarioText } from "../scenario/parse.js";
import { makeRunner, type RunnerFlags } from "./runner.js";
import { readScenarioFile, readScenarioText } from "./scenario-file.js";
import { UsageError } from "./usage-error.js";

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
  flags: { replications?: number; json?: boolean } & RunnerFlags,
  print: (s: string) => void,
  log?: (s: string) => void,
): Promise<void> {
  if (files.length < 2) throw new UsageError("compare needs a scenario and at least one variant");
  const replications = positiveInt("--replications", flags.replications, 10);
  const texts = files.map((f) => readScenarioText(f));
  const parsed = files.map((f, i) => parseScenarioText(texts[i]!, f));
  const seeds = replicationSeeds(
    typeof parsed[0]!.spec.seed === "number" ? parsed[0]!.spec.seed : 1,
    replications,
  );
  const variants = [];
  for (const [i, p] of parsed.entries()) {
    const runner = makeRunner(p, texts[i]!, files[i]!, flags, log, "compare");
    try {
      const trials = await runner.run(seeds.map((seed) => ({ spec: p.spec, seed })));
      variants.push({ name: files[i]!, trials });
    } finally {
      await runner.close();
    }
  }
  const result = compareVariants(variants);
  if (flags.json) {
    print(`${JSON.stringify({ replications, seeds, ...result }, null, 2)}\n`);
    return;
  }
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
  } & RunnerFlags,
  print: (s: string) => void,
  log?: (s: string) => void,
): Promise<void> {
  const text = readScenarioText(file);
  const parsed = parseScenarioText(text, file);
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
  if (flags.json) {
    print(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const t = result.tip;
  const answer = (th: { rate: number | null; low: number; high: number; note: string | null }) =>
    th.rate === null
      ? `${th.note ?? "not determined"} (searched ${fmt(th.low)} to ${fmt(th.high)} req/s)`
      : `${fmt(th.rate)} req/s  [${fmt(th.low)}, ${fmt(th.high)}]${th.note ? `  (${th.note})` : ""}`;
  const lines = [
    `Base load ${fmt(result.baseRate)} req/s; ${replications} replications per load tried; 95% intervals.`,
    `Tipping load (the trigger leaves it stuck at or above):  ${answer(t)}`,
  ];
  if (result.recover) {
    lines.push(
      `Recovery load (once stuck, recovers within ${fmt(result.recoverWithin)} s at or below):  ${answer(result.recover)}`,
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
  lines.push("", "Loads tried, probability of getting stuck:");
  for (const p of t.points) lines.push(`  ${fmt(p.rate).padStart(8)} req/s  P = ${est(p.probability, 2)}`);
  if (result.recover && result.recover.points.length > 0) {
    lines.push(`Loads held once stuck, probability of recovering within ${fmt(result.recoverWithin)} s:`);
    for (const p of result.recover.points)
      lines.push(
        `  ${fmt(p.rate).padStart(8)} req/s  P = ${est(p.probability, 2)}${p.drainTime ? `  drain ${est(p.drainTime)} s` : ""}`,
      );
  }
  print(`${lines.join("\n")}\n`);
}

/** `metastable stability <scenario>`: how big a disturbance the healthy state absorbs, loop by loop. */
export function stabilityCommand(
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
  },
  print: (s: string) => void,
): void {
  const parsed = readScenarioFile(file);
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
  if (flags.json) {
    print(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const what =
    result.disturb === "load" ? "a burst of extra requests" : `${result.disturb} of ${result.target}`;
  const lines = [
    `Steady load ${fmt(result.load)} req/s; disturbance: ${what} at ${result.at} s; ${result.replications} paired replications.`,
  ];
  lines.push(`Baseline: ${result.baseline.summary}.`);
  if (!result.baseline.healthy) {
    print(`${lines.join("\n")}\n`);
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
}
