import type { RunOutput } from "../scenario/run-result.js";

/** Goodput and offered load summed over the rate windows that start in [from, to). */
export interface GoodputWindow {
  from: number;
  to: number;
  /** Requests offered by the sources. */
  offered: number;
  /** Requests completed with an answer the client still wanted. */
  goodput: number;
  /** goodput / offered (1 when nothing was offered). */
  ratio: number;
}

/** Measures goodput against offered load over [from, to), from the run's per-window series. */
export function goodputWindow(output: RunOutput, from: number, to: number): GoodputWindow {
  const s = output.series;
  let offered = 0;
  let goodput = 0;
  s.windowStarts.forEach((t, i) => {
    if (t < from - 1e-9 || t >= to - 1e-9) return;
    const span = Math.min(s.window, to - t);
    offered += s.offered[i]! * span;
    goodput += s.goodput[i]! * span;
  });
  return { from, to, offered, goodput, ratio: offered > 0 ? goodput / offered : 1 };
}

/** When the last trigger ends (0 without triggers). */
export function lastTriggerEnd(output: RunOutput): number {
  return output.result.triggers.reduce((t, f) => Math.max(t, f.end), 0);
}
