import type { RunOutput } from "../../src/scenario/run-result.js";

// What the topology shows of each component while a run goes on: its queue, how busy it is, how
// much it finishes, and a one-word state, read off the latest windows of the run's series.

/** One component's state at the latest report of a run. */
export interface NodeLive {
  /** Calls waiting at the last probe (null: it holds no queue). */
  queue: number | null;
  /** Share of its workers busy at the last probe (null: it has no workers). */
  utilisation: number | null;
  /** Work finished per second over the last few windows. */
  finishedPerSec: number | null;
  /** Share of that work whose answer nobody wanted (the client had timed out). */
  wastedShare: number | null;
  /**
   * stuck: at least half of what it finishes is wasted (the retry loop's mark); saturated: 95% or
   * more of its workers busy; healthy otherwise; null when there is nothing to judge by.
   */
  state: "healthy" | "saturated" | "stuck" | null;
}

/** Windows the rates are averaged over (the series' window is usually 1 s). */
const RECENT = 5;

function lastNumber(values: readonly number[] | undefined): number | null {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i]!;
  return null;
}

function recentMean(values: readonly number[] | undefined): number | null {
  if (!values || values.length === 0) return null;
  const tail = values.slice(-RECENT).filter(Number.isFinite);
  return tail.length === 0 ? null : tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** Each component's live state, by name (components with no series of their own are left out). */
export function liveState(output: RunOutput | null): Map<string, NodeLive> {
  const out = new Map<string, NodeLive>();
  if (!output) return out;
  const s = output.series;
  const names = new Set([...Object.keys(s.queueDepth), ...Object.keys(s.workers ?? {})]);
  for (const name of names) {
    const w = s.workers?.[name];
    const queue = lastNumber(s.queueDepth[name]);
    const utilisation = lastNumber(w?.utilisation);
    const finishedPerSec = recentMean(w?.finished);
    const wasted = recentMean(w?.wasted);
    const wastedShare = finishedPerSec && wasted !== null ? Math.min(1, wasted / finishedPerSec) : null;
    let state: NodeLive["state"] = null;
    if (wastedShare !== null && wastedShare >= 0.5) state = "stuck";
    else if (utilisation !== null && utilisation >= 0.95) state = "saturated";
    else if (utilisation !== null || queue !== null) state = "healthy";
    out.set(name, { queue, utilisation, finishedPerSec, wastedShare, state });
  }
  return out;
}

/** The line under a node: "q 120 · 98% · 9.7/s" (queue, share busy, work finished per second). */
export function liveLabel(n: NodeLive): string {
  const parts: string[] = [];
  if (n.queue !== null) parts.push(`q ${Math.round(n.queue)}`);
  if (n.utilisation !== null) parts.push(`${Math.round(n.utilisation * 100)}%`);
  if (n.finishedPerSec !== null) parts.push(`${Number(n.finishedPerSec.toPrecision(2))}/s`);
  return parts.join(" · ");
}
