import type { RunOutput } from "../scenario/run-result.js";
import { type CharacteristicMetric, characteristicMetrics } from "./characteristics.js";
import { drainEstimate } from "./drain-estimate.js";
import { DEFAULT_HEALTH, type HealthRule, judgeWindows, type WindowHealth } from "./health.js";

/** Thresholds of the verdict. Seconds. */
export interface VerdictOptions {
  /** The health rule. Default: goodput >= 70% of offered load over sliding 10 s stretches. */
  health?: HealthRule;
  /**
   * Metastable means still degraded when the load period ends; a run whose load period ends less
   * than this long after the last trigger is too short to tell. Default: 10.
   */
  hold?: number;
  /** The first seconds are warm-up (queues start empty) and are not judged. Default: 5. */
  warmup?: number;
}

/** A trigger the verdict considered: scheduled in the file, or a load-profile departure above the base load. */
export interface JudgedTrigger {
  kind: string;
  target: string;
  start: number;
  end: number;
  /** "scenario" for scheduled triggers, "load" for profile phases above the base load. */
  source: "scenario" | "load";
}

/** What happened in a run, in the terms of the metastability literature. */
export interface Verdict {
  /**
   * `stable`: healthy through the triggers. `recovered`: unhealthy after a trigger, then healthy
   * again with its loops let go. `metastable`: after every trigger ended, still unhealthy (or its
   * loop still running) when the load period ends, while the same run without triggers is healthy
   * there. `unstable`: the run without triggers cannot sustain the load at its end either.
   */
  kind: "stable" | "recovered" | "metastable" | "unstable";
  summary: string;
  triggers: JudgedTrigger[];
  /** End of the last trigger (null without triggers). */
  triggersEnded: number | null;
  /** First time the health rule failed (null if never). */
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
  /** Characteristic metrics whose final stretch shows a feedback loop still running. */
  loopsRunning: string[];
  /** `unstable`: the metrics out of their envelope first, which drove the collapse. */
  drivers: string[];
  /** The run ended still degraded (the health rule failed over its final stretch). */
  degradedAtEnd: boolean;
  /** Seconds to empty the queue at the final rates, if the run ended degraded (null: it would not drain). */
  drainEstimate: number | null;
  /** False when the run ends too soon to tell a slow recovery from a stuck state; see runLonger. */
  conclusive: boolean;
  /** Seconds more of load period that would settle the question, when not conclusive. */
  runLonger: number | null;
  /** Why the health rule failed at the end, in words (null when it held). */
  endReason: string | null;
  /** Health of the sliding stretch ending at each window (aligned with series.windowStarts). */
  goodputRatio: (number | null)[];
}

/**
 * Judges a run; `control` is the same scenario and seed with every trigger removed (scheduled
 * triggers dropped, the load profile held at its base level). It is consulted only when the run
 * had triggers and showed trouble (it degraded, or a loop is still running at the end); given as a
 * function, it is run only then.
 */
export function judge(
  output: RunOutput,
  options: VerdictOptions = {},
  control?: RunOutput | (() => RunOutput),
): { verdict: Verdict; metrics: CharacteristicMetric[]; health: WindowHealth[] } {
  const rule = options.health ?? DEFAULT_HEALTH;
  const hold = options.hold ?? 10;
  const warmup = options.warmup ?? 5;
  const s = output.series;
  const loadEnd = loadEndOf(output);
  const triggers = judgedTriggers(output);
  let firstStart = loadEnd;
  let ended: number | null = null;
  for (const t of triggers) {
    firstStart = Math.min(firstStart, t.start);
    ended = Math.max(ended ?? 0, t.end);
  }
  const { health, judged, degradedIdx, degradedAt, last, degradedAtEnd } = healthOf(output, rule, warmup);
  const at = (i: number) => s.windowStarts[i]! + s.window;
  const bad = (i: number) => health[i]!.healthy === false;
  const onset = (i: number) => onsetOf(output, health, i, rule);
  const healthyUntil = Math.min(firstStart, degradedAt ?? firstStart);
  const metrics = characteristicMetrics(output, Math.max(healthyUntil, 0), loadEnd, {
    warmup,
    span: rule.window,
  });
  // A running loop shows in more than one symptom: attempts timing out and being retried, work
  // wasted. One alone at the end of a quiet run is noise, and a standing queue alone is not a loop
  // (a LIFO queue keeps its stale bottom for ever). A component's own sustaining gauge (hosts
  // without a lease) is enough by itself.
  const symptoms = metrics.filter(
    (m) => m.loopAtEnd && (m.name === "timeoutRate" || m.name === "wastedFraction" || m.name === "retryRate"),
  ).length;
  const own = metrics.some((m) => m.loopAtEnd && m.name.includes("."));
  const active = symptoms >= 2 || own;
  const loopsRunning = active ? metrics.filter((m) => m.loopAtEnd).map((m) => m.name) : [];
  const drain = degradedAtEnd ? drainEstimate(output.series, ended ?? firstStart, loadEnd) : null;
  const endReason = degradedAtEnd ? health[last!]!.reason : null;
  const stuckMetrics = metrics.filter((m) => m.outAtEnd).map((m) => m.name);
  const goodputRatio = health.map((h) => h.ratio);
  // Every field written out in its fixed order, each outcome changing a few, rather than a shared
  // base spread and overwritten: V8 gives each object built by a spread whose fields are then
  // overwritten a hidden class of its own, and deoptimises whatever code had seen the last one.
  const verdictOf = (kind: Verdict["kind"], summary: string, c: Partial<Verdict> = {}): Verdict => ({
    triggers,
    triggersEnded: ended,
    degradedAt: c.degradedAt !== undefined ? c.degradedAt : degradedAt,
    recoveredAt: c.recoveredAt ?? null,
    timeToRecover: c.timeToRecover ?? null,
    recoveredAfter: c.recoveredAfter ?? [],
    stuckSince: c.stuckSince ?? null,
    stuckMetrics,
    loopsRunning,
    drivers: c.drivers ?? [],
    degradedAtEnd,
    drainEstimate: drain,
    conclusive: c.conclusive ?? true,
    runLonger: c.runLonger ?? null,
    endReason,
    goodputRatio,
    kind,
    summary,
  });
  const label = (name: string) => metrics.find((m) => m.name === name)?.label ?? name;
  const driversOf = () =>
    metrics
      .filter((m) => m.leftAt !== null || (m.envelope === null && m.outAtEnd))
      .sort((a, b) => (a.leftAt ?? 0) - (b.leftAt ?? 0))
      .map((m) => m.name);
  const stuckAtEnd = degradedAtEnd || loopsRunning.length > 0;

  // Without triggers, the run is its own control: it either sustains its load at the end or not.
  const noTriggers = triggers.length === 0;
  const troubled = degradedAt !== null || loopsRunning.length > 0;
  const controlRun =
    noTriggers || !troubled || !control ? null : typeof control === "function" ? control() : control;
  // Only its health matters: a run without triggers is never metastable, so its trouble starts where it first degrades.
  const controlJudged = controlRun ? healthOf(controlRun, rule, warmup) : null;
  const controlFails = noTriggers ? stuckAtEnd : controlJudged?.degradedAtEnd;
  if (controlFails) {
    const since = noTriggers ? stuckSinceOf(judged, health, bad, onset) : controlJudged!.degradedAt;
    const drivers = driversOf();
    const drove =
      drivers.length > 0 ? `; first out of envelope: ${drivers.slice(0, 3).map(label).join(", ")}` : "";
    const when = since !== null && since !== undefined ? ` (degraded since ${fmt(since)} s)` : "";
    return {
      verdict: verdictOf(
        "unstable",
        noTriggers
          ? `unstable: the load alone is more than the system sustains: still degraded at the end of the load period${when}, with no trigger${drove}`
          : `unstable: the same run without its triggers is still degraded at the end of its load period${when}; the load alone is more than the system sustains${drove}`,
        { degradedAt: noTriggers ? degradedAt : (controlJudged!.degradedAt ?? degradedAt), drivers },
      ),
      metrics,
      health,
    };
  }
  if (noTriggers) {
    const dip = degradedAt !== null ? `; it dipped at ${fmt(degradedAt)} s and came back by itself` : "";
    return {
      verdict: verdictOf("stable", `stable: healthy at the end of the load period, with no trigger${dip}`),
      metrics,
      health,
    };
  }
  const afterTrigger = degradedIdx.filter((i) => at(i) > firstStart + 1e-9);
  if (stuckAtEnd) {
    const since = degradedAtEnd ? stuckSinceOf(judged, health, bad, onset) : null;
    const lastEnd = ended ?? firstStart;
    const tooSoon = loadEnd - lastEnd < hold - 1e-9;
    let runLonger: number | null = null;
    let caveat = "";
    if (tooSoon) {
      runLonger = Math.ceil(hold - (loadEnd - lastEnd));
      caveat = ` Too soon to tell: the load period ended ${fmt(Math.max(0, loadEnd - lastEnd))} s after the last trigger; run at least ${runLonger} s longer.`;
    } else if (degradedAtEnd && drain !== null && drain > 0) {
      runLonger = Math.ceil(drain + rule.window);
      caveat = ` It was draining at the end (about ${fmt(drain)} s to empty the queue at the final rates): run at least ${runLonger} s longer to tell a slow recovery from a stuck state.`;
    }
    const loops =
      loopsRunning.length > 0 ? `; loop still running: ${loopsRunning.map(label).join(", ")}` : "";
    const what = degradedAtEnd
      ? `${endReason ?? "unhealthy"} since ${fmt(since ?? lastEnd)} s, still at the end of the load period`
      : `the health rule held at the end, but the loop that sustains the failure is still running`;
    return {
      verdict: verdictOf(
        "metastable",
        `metastable: ${what}, ${fmt(Math.max(0, loadEnd - lastEnd))} s after the last trigger ended at ${fmt(lastEnd)} s${control ? "; the same run without triggers is healthy there" : ""}${loops}.${caveat}`,
        {
          stuckSince: since ?? (afterTrigger.length > 0 ? onset(afterTrigger[0]!) : lastEnd),
          conclusive: runLonger === null,
          runLonger,
        },
      ),
      metrics,
      health,
    };
  }
  if (afterTrigger.length === 0) {
    const dip =
      degradedAt !== null
        ? `; it dipped at ${fmt(degradedAt)} s, before the first trigger, as the run without triggers does, and came back`
        : "";
    return {
      verdict: verdictOf("stable", `stable: the triggers were absorbed${dip}`),
      metrics,
      health,
    };
  }
  const lastBad = degradedIdx[degradedIdx.length - 1]!;
  const healthyAfter = judged.find((i) => i > lastBad && health[i]!.healthy === true);
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
  const from = onset(afterTrigger[0]!);
  return {
    verdict: verdictOf(
      "recovered",
      recoveredAt === null
        ? "recovered: degraded during the triggers and not stuck after them, but no stretch after them was busy enough to show health"
        : `recovered: degraded from ${fmt(from)} s, healthy again at ${fmt(recoveredAt)} s (${fmt(ttr!)} s after the last trigger ended${by}), with its loops let go`,
      {
        degradedAt: from,
        recoveredAt,
        timeToRecover: ttr,
        recoveredAfter: rescue.map((c) => `${c.kind} ${c.target}`),
      },
    ),
    metrics,
    health,
  };
}

/** The health of each window, the windows judged, and when the run first degraded and whether it ended so. */
function healthOf(output: RunOutput, rule: HealthRule, warmup: number) {
  const health = judgeWindows(output, rule);
  const judged = judgedWindows(output, rule, warmup);
  const degradedIdx = judged.filter((i) => health[i]!.healthy === false);
  const last = lastJudgedWith(judged, health);
  return {
    health,
    judged,
    degradedIdx,
    degradedAt: degradedIdx.length > 0 ? onsetOf(output, health, degradedIdx[0]!, rule) : null,
    last,
    degradedAtEnd: last !== undefined && health[last]!.healthy === false,
  };
}

/** End of the load period: where the drain starts, or the end of the run. */
export function loadEndOf(output: RunOutput): number {
  const r = output.result;
  return r.drain ? r.drain.start : r.simulatedSeconds;
}

/**
 * Scheduled triggers plus every stretch of the load profile planned above the base load (the
 * rate at t = 0), whether or not it exceeds capacity: a step up is a push like any spike.
 */
export function judgedTriggers(output: RunOutput): JudgedTrigger[] {
  const r = output.result;
  const scheduled: JudgedTrigger[] = r.triggers.map((t) => ({ ...t, source: "scenario" }));
  const base = r.baseRatePerSec;
  const loadEnd = loadEndOf(output);
  const load: JudgedTrigger[] = [];
  for (const p of r.phases) {
    if (p.start >= loadEnd || !(p.plannedPerSec > base * (1 + 1e-6) + 1e-9)) continue;
    const prev = load[load.length - 1];
    if (prev && Math.abs(prev.end - p.start) < 1e-9) prev.end = p.end;
    else load.push({ kind: "load above base", target: "load", start: p.start, end: p.end, source: "load" });
  }
  return [...scheduled, ...load].sort((a, b) => a.start - b.start);
}

/** Windows the verdict judges: from a full stretch after warm-up to the end of the load period. */
function judgedWindows(output: RunOutput, rule: HealthRule, warmup: number): number[] {
  const s = output.series;
  const loadEnd = loadEndOf(output);
  const out: number[] = [];
  for (let i = 0; i < s.windowStarts.length; i++) {
    const t = s.windowStarts[i]!;
    if (t + s.window > warmup + rule.window - 1e-9 && t < loadEnd - 1e-9) out.push(i);
  }
  return out;
}

/** The last judged window that could be judged (a silent tail says nothing). */
function lastJudgedWith(judged: number[], health: WindowHealth[]): number | undefined {
  for (let k = judged.length - 1; k >= 0; k--) if (health[judged[k]!]!.healthy !== null) return judged[k];
  return undefined;
}

function stuckSinceOf(
  judged: number[],
  health: WindowHealth[],
  bad: (i: number) => boolean,
  onset: (i: number) => number,
): number | null {
  let k = judged.length - 1;
  while (k >= 0 && health[judged[k]!]!.healthy === null) k--;
  if (k < 0 || !bad(judged[k]!)) return null;
  while (k > 0 && (bad(judged[k - 1]!) || health[judged[k - 1]!]!.healthy === null)) k--;
  return onset(judged[k]!);
}

/** When a degraded stretch's trouble began: the start of its worst suffix (noise before the drop only raises the ratio). */
function onsetOf(output: RunOutput, health: WindowHealth[], i: number, rule: HealthRule): number {
  const s = output.series;
  const k = Math.max(1, Math.round(rule.window / s.window));
  if (health[i]!.ratio === null || health[i]!.ratio! >= rule.goodput)
    return s.windowStarts[Math.max(0, i - k + 1)]!;
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
}

function fmt(x: number): string {
  return String(Number(x.toFixed(2)));
}
