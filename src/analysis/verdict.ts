import type { RunOutput } from "../scenario/run-result.js";
import { type CharacteristicMetric, characteristicMetrics } from "./characteristics.js";

/** Thresholds of the verdict. Seconds. */
export interface VerdictOptions {
  /** Healthy while goodput >= this fraction of offered load. Default: 0.7. */
  healthyFraction?: number;
  /**
   * Goodput and offered load are compared over sliding windows of this length; long enough that
   * Poisson noise and the lag of in-flight requests do not read as degradation. Default: 10.
   */
  window?: number;
  /** A window offering fewer requests than this is not judged (too few to tell). Default: 20. */
  minRequests?: number;
  /**
   * Metastable means still degraded when the load period ends; a run whose load period ends less
   * than this long after the last trigger is flagged as too short to be sure. Default: 10.
   */
  hold?: number;
  /** The first seconds are warm-up (queues start empty) and are not judged. Default: 5. */
  warmup?: number;
}

/** A trigger the verdict considered: scheduled in the file, or an overload phase of the load profile. */
export interface JudgedTrigger {
  kind: string;
  target: string;
  start: number;
  end: number;
  /** "scenario" for scheduled triggers, "load" for profile phases above capacity. */
  source: "scenario" | "load";
}

/** What happened in a run, in the terms of the metastability literature. */
export interface Verdict {
  /**
   * `stable`: never degraded. `recovered`: degraded, then healthy again after the triggers ended
   * (on its own, or after an intervention). `metastable`: degraded after every trigger ended and
   * still degraded when the load period ends. `unstable`: degraded
   * before any trigger (or in the control run without triggers): the load alone is too much.
   */
  kind: "stable" | "recovered" | "metastable" | "unstable";
  summary: string;
  triggers: JudgedTrigger[];
  /** End of the last trigger (null without triggers). */
  triggersEnded: number | null;
  /** First time goodput fell below the healthy fraction (null if never). */
  degradedAt: number | null;
  /** `recovered`: when it was healthy again, and how long after the triggers ended. */
  recoveredAt: number | null;
  timeToRecover: number | null;
  /** `recovered`: interventions that started after the triggers ended and before the recovery. */
  recoveredAfter: string[];
  /** `metastable`: start of the degraded stretch that outlived the triggers. */
  stuckSince: number | null;
  /** Characteristic metrics still out of their envelope at the end of the load period. */
  stuckMetrics: string[];
  /** `unstable`: the metrics out of their envelope first, which drove the collapse. */
  drivers: string[];
  /** The run ended still degraded. */
  degradedAtEnd: boolean;
  /** Seconds to empty the queue at the final rates, if the run ended degraded (null: it would not drain). */
  drainEstimate: number | null;
  /** Goodput / offered over the sliding window ending at each window start (aligned with series.windowStarts). */
  goodputRatio: (number | null)[];
}

/** Judges a run; `control` is the same scenario and seed with the scheduled triggers removed. */
export function judge(
  output: RunOutput,
  options: VerdictOptions = {},
  control?: RunOutput,
): { verdict: Verdict; metrics: CharacteristicMetric[] } {
  const fraction = options.healthyFraction ?? 0.7;
  const span = options.window ?? 10;
  const minRequests = options.minRequests ?? 20;
  const hold = options.hold ?? 10;
  const warmup = options.warmup ?? 5;
  const r = output.result;
  const s = output.series;
  const loadEnd = r.drain ? r.drain.start : r.simulatedSeconds;
  const triggers = judgedTriggers(output);
  const firstStart = triggers.length > 0 ? Math.min(...triggers.map((t) => t.start)) : loadEnd;
  const ended = triggers.length > 0 ? Math.max(...triggers.map((t) => t.end)) : null;
  const ratio = slidingRatio(output, span, minRequests);
  const degraded = (i: number) => ratio[i] !== null && ratio[i]! < fraction;
  const judged = s.windowStarts
    .map((_t, i) => i)
    .filter((i) => s.windowStarts[i]! + s.window > warmup + span - 1e-9 && s.windowStarts[i]! < loadEnd);
  const at = (i: number) => s.windowStarts[i]! + s.window;
  const degradedIdx = judged.filter(degraded);
  // When a degraded sliding window's trouble began: its first raw window below the fraction.
  const k = Math.max(1, Math.round(span / s.window));
  const onset = (i: number) => {
    // The start of the worst suffix of the window: noise before the real drop only raises its ratio.
    let best = i;
    let bestRatio = Number.POSITIVE_INFINITY;
    let offered = 0;
    let good = 0;
    for (let j = i; j >= Math.max(0, i - k + 1); j--) {
      offered += s.offered[j]!;
      good += s.goodput[j]!;
      const ratio = offered > 0 ? good / offered : 1;
      if (ratio <= bestRatio) {
        bestRatio = ratio;
        best = j;
      }
    }
    return s.windowStarts[best]!;
  };
  // The envelope comes from the healthy stretch: before the first trigger, and before any collapse.
  const healthyUntil = Math.min(firstStart, degradedIdx.length > 0 ? onset(degradedIdx[0]!) : firstStart);
  const metrics = characteristicMetrics(output, Math.max(healthyUntil, 0), loadEnd, { warmup });
  const lastJudged = judged[judged.length - 1];
  const degradedAtEnd = lastJudged !== undefined && degraded(lastJudged);
  const base = {
    triggers,
    triggersEnded: ended,
    degradedAt: degradedIdx.length > 0 ? onset(degradedIdx[0]!) : null,
    recoveredAt: null,
    timeToRecover: null,
    recoveredAfter: [] as string[],
    stuckSince: null,
    stuckMetrics: metrics.filter((m) => m.outAtEnd).map((m) => m.name),
    drivers: [] as string[],
    degradedAtEnd,
    drainEstimate: degradedAtEnd ? drainEstimate(output) : null,
    goodputRatio: ratio,
  };
  const preTrigger = degradedIdx.filter((i) => at(i) <= firstStart + 1e-9);
  const controlDegraded = control ? judge(control, options).verdict.kind === "unstable" : false;
  if (preTrigger.length > 0 || controlDegraded) {
    const t = preTrigger.length > 0 ? onset(preTrigger[0]!) : null;
    const drivers = metrics
      .filter((m) => m.leftAt !== null || (m.envelope === null && m.outAtEnd))
      .sort((a, b) => (a.leftAt ?? 0) - (b.leftAt ?? 0))
      .map((m) => m.name);
    const drove = drivers.length > 0 ? `; first out of envelope: ${drivers.slice(0, 3).join(", ")}` : "";
    return {
      verdict: {
        ...base,
        kind: "unstable",
        degradedAt: t ?? base.degradedAt,
        drivers,
        summary:
          t !== null
            ? `unstable: goodput fell below ${pct(fraction)} of offered load at ${fmt(t)} s, before any trigger; the load alone is more than the system sustains${drove}`
            : `unstable: the control run without the scheduled triggers degrades too; the load alone is more than the system sustains${drove}`,
      },
      metrics,
    };
  }
  if (degradedIdx.length === 0) {
    return {
      verdict: {
        ...base,
        kind: "stable",
        summary: "stable: goodput kept up with offered load; the triggers were absorbed",
      },
      metrics,
    };
  }
  // Metastable: still degraded when the load period ends, so nothing the run did (the triggers
  // ending, the load falling, an intervention) brought it back. A system that was still degraded
  // `hold` seconds after the triggers but got back on its own is a slow recovery, not metastable:
  // calling it stuck would send users hunting for a loop that is not there.
  if (degradedAtEnd) {
    let k = judged.length - 1;
    while (k > 0 && degraded(judged[k - 1]!)) k--;
    const since = onset(judged[k]!);
    const stuck =
      base.stuckMetrics.length > 0 ? `; still out of envelope: ${base.stuckMetrics.join(", ")}` : "";
    const tooShort =
      ended !== null && at(judged[judged.length - 1]!) < ended + hold - 1e-9
        ? ` (the load period ended less than ${fmt(hold)} s after the last trigger: too soon to be sure)`
        : "";
    const after =
      ended === null
        ? ""
        : `, still degraded when the load period ended, ${fmt(Math.max(0, loadEnd - ended))} s after the last trigger ended at ${fmt(ended)} s`;
    return {
      verdict: {
        ...base,
        kind: "metastable",
        stuckSince: since,
        summary: `metastable: goodput below ${pct(fraction)} of offered load since ${fmt(since)} s${after}${tooShort}${stuck}`,
      },
      metrics,
    };
  }
  const lastBad = degradedIdx[degradedIdx.length - 1]!;
  const healthyAfter = judged.find((i) => i > lastBad);
  const recoveredAt = healthyAfter === undefined ? null : at(healthyAfter);
  const ttr = recoveredAt === null ? null : Math.max(0, recoveredAt - (ended ?? 0));
  // An intervention between the end of the triggers and the recovery is what broke the loop.
  const rescue = output.result.interventions.filter(
    (c) => recoveredAt !== null && c.start >= (ended ?? 0) - 1e-9 && c.start < recoveredAt,
  );
  const by =
    rescue.length > 0
      ? `, after ${rescue.map((c) => `${c.kind} ${c.target} at ${fmt(c.start)} s`).join(", ")}`
      : "";
  return {
    verdict: {
      ...base,
      kind: "recovered",
      recoveredAt,
      timeToRecover: ttr,
      recoveredAfter: rescue.map((c) => `${c.kind} ${c.target}`),
      summary:
        recoveredAt === null
          ? "recovered: degraded during the triggers, not stuck after them, but the run ended before it was healthy again"
          : `recovered: degraded from ${fmt(base.degradedAt!)} s, healthy again at ${fmt(recoveredAt)} s (${fmt(ttr!)} s after the last trigger ended${by})`,
    },
    metrics,
  };
}

/** Scheduled triggers plus load-profile phases whose offered load exceeds capacity. */
export function judgedTriggers(output: RunOutput): JudgedTrigger[] {
  const r = output.result;
  const scheduled = r.triggers.map((t) => ({ ...t, source: "scenario" as const }));
  const overload = r.phases
    .filter((p) => r.capacityPerSec > 0 && p.plannedPerSec > r.capacityPerSec)
    .map((p) => ({ kind: "overload", target: "load", start: p.start, end: p.end, source: "load" as const }));
  return [...scheduled, ...overload].sort((a, b) => a.start - b.start);
}

function slidingRatio(output: RunOutput, span: number, minRequests: number): (number | null)[] {
  const s = output.series;
  const k = Math.max(1, Math.round(span / s.window));
  return s.windowStarts.map((_, i) => {
    let offered = 0;
    let good = 0;
    for (let j = Math.max(0, i - k + 1); j <= i; j++) {
      offered += s.offered[j]! * s.window;
      good += s.goodput[j]! * s.window;
    }
    return offered >= minRequests ? Math.min(1, good / offered) : null;
  });
}

function drainEstimate(output: RunOutput): number | null {
  const s = output.series;
  const n = s.windowStarts.length;
  const last = (a: number[]) => a.slice(Math.max(0, n - 5)).reduce((x, y) => x + y, 0) / Math.min(5, n);
  const net = last(s.throughput) - last(s.attempts);
  return net > 0 ? output.result.finalQueueDepth / net : null;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function fmt(x: number): string {
  return String(Number(x.toFixed(2)));
}
