import type { ParsedScenario } from "../scenario/parse.js";

/** What one request to the server may cost. The defaults keep one run under a minute on a laptop. */
export interface RunCaps {
  /** Largest request body in bytes. Default: 256 KiB (the biggest catalog scenario is under 4 KiB). */
  maxBodyBytes: number;
  /** Events one run may process, the control run included separately. Default: 20 000 000. */
  maxEvents: number;
  /** Simulated seconds (duration plus drain) one run may cover. Default: 86 400. */
  maxSimulatedSeconds: number;
  /** Wall-clock seconds one run may take. Default: 60. */
  maxWallSeconds: number;
  /** Cells (parameter points) one map may have. Default: 400. */
  maxSweepCells: number;
  /** Replications per cell one map may ask for. Default: 20. */
  maxSweepReplications: number;
}

/** The caps `metastable serve` uses unless told otherwise. */
export const DEFAULT_CAPS: RunCaps = {
  maxBodyBytes: 256 * 1024,
  maxEvents: 20_000_000,
  maxSimulatedSeconds: 86_400,
  maxWallSeconds: 60,
  maxSweepCells: 400,
  maxSweepReplications: 20,
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
  return {
    maxEvents: Math.min(spec.limits?.maxEvents ?? Number.POSITIVE_INFINITY, caps.maxEvents),
    maxWallSeconds: Math.min(spec.limits?.maxWallSeconds ?? Number.POSITIVE_INFINITY, caps.maxWallSeconds),
  };
}
