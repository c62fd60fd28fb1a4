import { availableParallelism } from "node:os";
import { resolveSettings } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";

/** What one request to the server may cost, and how much work the server takes on at once. */
export interface RunCaps {
  /** Largest request body in bytes. Default: 256 KiB (the biggest catalog scenario is under 4 KiB). */
  maxBodyBytes: number;
  /** Events one run may process, the control run included separately. Default: 20 000 000. */
  maxEvents: number;
  /** Simulated seconds (duration plus drain) one run may cover. Default: 86 400. */
  maxSimulatedSeconds: number;
  /**
   * Points one run may record per series (probes: run length / probeInterval; windows: run length /
   * window), which bounds what a run keeps and sends. Default: 50 000 (about 3 MB of JSON).
   */
  maxSeriesPoints: number;
  /** Wall-clock seconds from a run request's arrival to its answer, waiting in the queue included. Default: 60. */
  maxWallSeconds: number;
  /** Wall-clock seconds from a map request's arrival to its last line. Default: 600. */
  maxMapWallSeconds: number;
  /** Cells (parameter points) one map may have. Default: 400. */
  maxSweepCells: number;
  /** Replications per cell one map may ask for. Default: 20. */
  maxSweepReplications: number;
  /** Runs and maps computed at once, each on its own thread. Default: the cores less one, at least 2. */
  maxConcurrent: number;
  /** Requests waiting for a thread; past this the server answers 503 with Retry-After. Default: 8. */
  maxQueued: number;
  /** Heap one run or map may use, in MB; past it that request fails, the server lives on. Default: 1024. */
  maxThreadMemoryMb: number;
}

/** The caps `metastable serve` uses unless told otherwise. */
export const DEFAULT_CAPS: RunCaps = {
  maxBodyBytes: 256 * 1024,
  maxEvents: 20_000_000,
  maxSimulatedSeconds: 86_400,
  maxSeriesPoints: 50_000,
  maxWallSeconds: 60,
  maxMapWallSeconds: 600,
  maxSweepCells: 400,
  maxSweepReplications: 20,
  maxConcurrent: Math.max(2, availableParallelism() - 1),
  maxQueued: 8,
  maxThreadMemoryMb: 1024,
};

/** A request the caps refuse, with the reason a user can act on. */
export class CapExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CapExceededError";
  }
}

/** Budgets for one run: the scenario's own limits, lowered to the server's caps. */
export function cappedBudgets(
  parsed: ParsedScenario,
  caps: RunCaps,
): { maxEvents: number; maxWallSeconds: number } {
  const { spec } = parsed;
  const simulated = spec.duration + (spec.drain ?? 0);
  if (simulated > caps.maxSimulatedSeconds) {
    throw new CapExceededError(
      `the scenario covers ${simulated} simulated seconds; this server runs at most ${caps.maxSimulatedSeconds} per request (run it with the CLI instead)`,
    );
  }
  const settings = resolveSettings(parsed);
  const end = settings.duration + settings.drain;
  for (const field of ["probeInterval", "window"] as const) {
    const points = Math.ceil(end / settings[field]);
    if (points > caps.maxSeriesPoints)
      throw new CapExceededError(
        `${field} ${settings[field]} s over ${end} simulated seconds records ${points} points per series; this server sends at most ${caps.maxSeriesPoints}: raise ${field} to at least ${end / caps.maxSeriesPoints} s (or run it with the CLI)`,
      );
  }
  return {
    maxEvents: Math.min(spec.limits?.maxEvents ?? Number.POSITIVE_INFINITY, caps.maxEvents),
    maxWallSeconds: Math.min(spec.limits?.maxWallSeconds ?? Number.POSITIVE_INFINITY, caps.maxWallSeconds),
  };
}
