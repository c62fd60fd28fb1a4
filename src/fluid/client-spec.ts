import { RETRY_BUDGET_OPTIONS } from "../model/client-policies/retry-budget.js";
import { readOptions } from "../model/options.js";
import type { ClientFlowOptions } from "./client-flow.js";

// A client's retry policies as a scenario file writes them, reduced to their long-run means.

/** A client's backoff as written in the scenario file. */
export type BackoffSpec =
  | { kind: "none" }
  | { kind: "fixed"; delay: number }
  | { kind: "exponential"; base: number; multiplier?: number; cap?: number; jitter?: string }
  | { kind: "decorrelated"; base: number; cap?: number };

/** Mean wait before a retry, averaged over retries 1 .. maxAttempts - 1 alike. */
export function meanBackoff(spec: BackoffSpec | undefined, maxAttempts: number): number {
  if (!spec || spec.kind === "none" || maxAttempts < 2) return 0;
  if (spec.kind === "fixed") return spec.delay;
  const retries = maxAttempts - 1;
  let sum = 0;
  if (spec.kind === "exponential") {
    const jitter = spec.jitter === "full" ? 0.5 : spec.jitter === "equal" ? 0.75 : 1;
    for (let k = 1; k <= retries; k++) {
      sum +=
        jitter *
        Math.min(spec.cap ?? Number.POSITIVE_INFINITY, spec.base * (spec.multiplier ?? 2) ** (k - 1));
    }
  } else {
    // uniform(base, 3 x previous), capped, in the mean.
    let previous = 0;
    for (let k = 1; k <= retries; k++) {
      previous = Math.min(
        spec.cap ?? Number.POSITIVE_INFINITY,
        (spec.base + Math.max(spec.base, 3 * previous)) / 2,
      );
      sum += previous;
    }
  }
  return sum / retries;
}

// The simulator's own defaults, from the one declaration of the retry budget's options.
const BUDGET_DEFAULTS = readOptions(RETRY_BUDGET_OPTIONS, {});

/** A retry budget as written (null: none) at its long-run rate, the simulator's defaults filled in. */
export function retryBudgetOf(
  budget: { ratio?: number; minPerSecond?: number } | undefined,
): ClientFlowOptions["retryBudget"] {
  if (!budget) return null;
  return {
    ratio: budget.ratio ?? BUDGET_DEFAULTS.ratio,
    minPerSecond: budget.minPerSecond ?? BUDGET_DEFAULTS.minPerSecond,
  };
}
