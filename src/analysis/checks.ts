import type { FluidAnalysis } from "../fluid/analyse.js";
import type { Equilibrium } from "../fluid/equilibria.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import type { TrialRequest } from "./batch.js";
import type { Override } from "./overrides.js";
import { baseRate, scaleLoad } from "./scale-load.js";
import { type Estimate, meanInterval, proportionInterval } from "./statistics.js";
import { replicationSeeds, type TrialResult } from "./trial.js";

// What `metastable check` asserts about a scenario, and how each assertion is judged from trials.
// Pure: the CLI runs the trials (in parallel, cached) and hands the results back here.

/** What must hold. Seeds are the scenario's seed and the ones after it (replicationSeeds). */
export type Expectation =
  /** Not stuck (stable or recovered) on at least `atLeast` of `of` seeds, recovering within `within` s if given. */
  | { kind: "recovers"; atLeast: number; of: number; within?: number }
  /** At `atLeast` times the scenario's base load, stuck on fewer than half of `of` seeds: the tipping load is higher. */
  | { kind: "tippingLoad"; atLeast: number; of: number }
  /** Mean goodput / offered load after the triggers, over `of` seeds, at least `atLeast`. */
  | { kind: "goodput"; atLeast: number; of: number }
  /** p99 latency of completed requests within `p99` s on at least `atLeast` of `of` seeds. */
  | { kind: "latency"; p99: number; atLeast: number; of: number }
  /**
   * The fluid model's bistable band excludes `atLeast` times the operating load (the sources' rate at
   * the start): there, and so at the operating load, the healthy state is the only one.
   */
  | { kind: "fluid"; atLeast: number };

/** One check of a checks file, with its scenario already loaded and overridden. */
export interface Check {
  name: string;
  /** The scenario file as the checks file names it, resolved against the checks file's folder. */
  scenarioFile: string;
  overrides: Override[];
  expect: Expectation;
}

/** A check's verdict, with the evidence a reviewer reads and the seeds to replay. */
export interface CheckOutcome {
  name: string;
  kind: Expectation["kind"];
  passed: boolean;
  /** One sentence: what was required and what was measured. */
  summary: string;
  /** Per-seed facts, one line each. */
  evidence: string[];
  /** Seeds that went against the expectation (all seeds when none did and the check failed on a mean). */
  replaySeeds: number[];
  /** `--set` overrides to replay with (the check's own, plus `load` for a tipping-load check). */
  replayOverrides: Override[];
  /** A fluid check: the load (req/s) `metastable fluid --load` replays it at; it has no seeds. */
  fluidLoad?: number;
  /** A simulated check: every seed's trial, in seed order. */
  trials?: TrialResult[];
}

/** The trials a check needs: one per seed, on the scenario (scaled, for a tipping-load check). */
export function checkTrials(check: Check, spec: ScenarioSpec): TrialRequest[] {
  const e = check.expect;
  if (e.kind === "fluid") return [];
  const run = e.kind === "tippingLoad" ? scaleLoad(spec, e.atLeast) : spec;
  return seedsOf(spec, e.of).map((seed) => ({ spec: run, seed }));
}

function seedsOf(spec: ScenarioSpec, n: number): number[] {
  return replicationSeeds(typeof spec.seed === "number" ? spec.seed : 1, n);
}

const r3 = (x: number) => String(Number(x.toPrecision(3)));
const interval = (e: Estimate) => (e.n < 2 ? r3(e.mean) : `${r3(e.mean)} [95%: ${r3(e.low)}, ${r3(e.high)}]`);

function trialLine(t: TrialResult): string {
  const ttr = t.verdict === "recovered" && t.timeToRecover !== null ? ` in ${r3(t.timeToRecover)} s` : "";
  const p99 = t.latencyP99 == null ? "no completions" : `p99 ${r3(t.latencyP99 * 1000)} ms`;
  return `seed ${t.seed}: ${t.verdict}${ttr}, goodput ${r3(t.goodputRatio)} of offered, ${p99}`;
}

/** Judges a check from its trials (in checkTrials order). */
export function evaluateCheck(
  check: Check,
  spec: ScenarioSpec,
  results: readonly TrialResult[],
): CheckOutcome {
  const e = check.expect;
  if (e.kind === "fluid") throw new Error("a fluid check is judged by evaluateFluidCheck");
  const evidence = results.map(trialLine);
  const base = {
    name: check.name,
    kind: e.kind,
    evidence,
    replayOverrides: check.overrides,
    trials: [...results],
  };
  switch (e.kind) {
    case "recovers": {
      const good = (t: TrialResult) =>
        !t.stuck && (e.within === undefined || (t.timeToRecover !== null && t.timeToRecover <= e.within));
      const ok = results.filter(good).length;
      const within = e.within === undefined ? "" : ` within ${r3(e.within)} s`;
      return {
        ...base,
        passed: ok >= e.atLeast,
        summary: `recovers${within} on ${ok} of ${results.length} seeds (required: at least ${e.atLeast})`,
        replaySeeds: results.filter((t) => !good(t)).map((t) => t.seed),
      };
    }
    case "tippingLoad": {
      const stuck = results.filter((t) => t.stuck).length;
      const p = proportionInterval(stuck, results.length);
      const rate = baseRate(spec) * e.atLeast;
      return {
        ...base,
        passed: stuck < results.length / 2,
        summary: `at ${r3(e.atLeast)} x the base load (${r3(rate)} req/s) stuck on ${stuck} of ${results.length} seeds, P(stuck) ${interval(p)}; the tipping load is ${stuck < results.length / 2 ? "above" : "at or below"} it (required: above)`,
        replaySeeds: results.filter((t) => t.stuck).map((t) => t.seed),
        replayOverrides: [...check.overrides, { param: "load", value: e.atLeast }],
      };
    }
    case "goodput": {
      const g = meanInterval(results.map((t) => t.goodputRatio));
      return {
        ...base,
        passed: g.mean >= e.atLeast,
        summary: `goodput after the triggers ${interval(g)} of offered load over ${results.length} seeds (required: mean at least ${r3(e.atLeast)})`,
        replaySeeds: results.filter((t) => t.goodputRatio < e.atLeast).map((t) => t.seed),
      };
    }
    case "latency": {
      const good = (t: TrialResult) => t.latencyP99 != null && t.latencyP99 <= e.p99;
      const ok = results.filter(good).length;
      return {
        ...base,
        passed: ok >= e.atLeast,
        summary: `p99 latency within ${r3(e.p99 * 1000)} ms on ${ok} of ${results.length} seeds (required: at least ${e.atLeast})`,
        replaySeeds: results.filter((t) => !good(t)).map((t) => t.seed),
      };
    }
  }
}

function bandText(a: FluidAnalysis): string {
  const { low, high } = a.bistable;
  if (low === null || high === null) return "no stuck state at any load";
  if (high <= low) return `no bistable band; above ${r3(low)} req/s the queue grows without bound`;
  return `bistable between ${r3(low)} and ${r3(high)} req/s`;
}

function stateLine(e: Equilibrium): string {
  const queue = e.queue === null ? `queue grows ${r3(e.queueGrowth ?? 0)}/s` : `queue ${r3(e.queue)}`;
  return `${e.kind} state: ${queue}, goodput ${r3(e.goodput)} req/s, P(timeout) ${r3(e.timeoutProbability)}`;
}

/**
 * Judges a fluid check from the fluid analysis at `atLeast` x `operatingLoad`: it holds when the
 * only state there is healthy (below the band, or no band at all). A saddle and a stuck state beside
 * the healthy one mean a trigger can leave the system stuck; a stuck state alone means overload.
 */
export function evaluateFluidCheck(check: Check, operatingLoad: number, a: FluidAnalysis): CheckOutcome {
  const e = check.expect;
  if (e.kind !== "fluid") throw new Error("evaluateFluidCheck judges fluid checks only");
  const states = a.equilibria;
  const healthy = states.some((s) => s.kind === "healthy");
  const passed = states.length > 0 && states.every((s) => s.kind === "healthy");
  const at = `${r3(e.atLeast)} x the operating load (${r3(a.load)} req/s)`;
  const found = passed
    ? "the healthy state is the only one"
    : healthy
      ? "a stuck state exists beside the healthy one: a trigger can leave it stuck"
      : "there is no healthy state: the load alone overloads it";
  const m = a.model;
  return {
    name: check.name,
    kind: "fluid",
    passed,
    summary: `fluid model: ${bandText(a)}; at ${at} ${found} (required: the band above ${r3(a.load)} req/s)`,
    evidence: [
      `model: client "${m.client}" -> server "${m.server}" (${m.queue}, capacity ${r3(m.capacity)} req/s), operating load ${r3(operatingLoad)} req/s`,
      ...m.notModelled.map((x) => `not modelled: ${x}`),
      `at ${r3(a.load)} req/s: ${states.map((s) => s.kind).join(", ") || "no state"}`,
      ...states.map(stateLine),
      `tipping: ${a.tippingDisturbance.note}`,
      `recovery: ${a.recovery.note}`,
    ],
    replaySeeds: [],
    replayOverrides: check.overrides,
    fluidLoad: a.load,
  };
}
