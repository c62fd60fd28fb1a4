import { type Bounds, type Estimate, meanInterval, proportionInterval, shareInterval } from "./statistics.js";
import type { TrialResult } from "./trial.js";

/** One variant's replications and their summary. */
export interface VariantSummary {
  name: string;
  trials: TrialResult[];
  /** Probability of getting stuck (metastable or unstable), Wilson 95% interval. */
  pStuck: Estimate;
  /** Goodput / offered after the triggers ended, 95% t-interval. */
  goodputRatio: Estimate;
  /** Time to recover over the replications that recovered (null when none did). */
  timeToRecover: Estimate | null;
}

/** A variant against the baseline, paired by seed (common random numbers). */
export interface PairedDifference {
  variant: string;
  baseline: string;
  /** variant - baseline, per replication, then a 95% t-interval of the mean difference. */
  goodputRatio: Estimate;
  pStuck: Estimate;
  /** Over replications where both recovered; null if none. */
  timeToRecover: Estimate | null;
}

/** Summarises each variant and pairs every variant with the first (the baseline). */
export function compareVariants(variants: { name: string; trials: TrialResult[] }[]): {
  variants: VariantSummary[];
  differences: PairedDifference[];
} {
  const summaries = variants.map(({ name, trials }) => {
    const recovered = trials.filter((t) => t.timeToRecover !== null).map((t) => t.timeToRecover!);
    return {
      name,
      trials,
      pStuck: proportionInterval(trials.filter((t) => t.stuck).length, trials.length),
      goodputRatio: shareInterval(trials.map((t) => t.goodputRatio)),
      timeToRecover: recovered.length > 0 ? meanInterval(recovered, { min: 0 }) : null,
    };
  });
  const [base, ...rest] = summaries;
  const differences = base
    ? rest.map((v) => {
        const pairs = v.trials.map((t, i) => [t, base.trials[i]!] as const);
        for (const [a, b] of pairs) {
          if (a.seed !== b.seed)
            throw new Error(`replication seeds differ (${a.seed} vs ${b.seed}): not a paired comparison`);
        }
        const both = pairs.filter(([a, b]) => a.timeToRecover !== null && b.timeToRecover !== null);
        return {
          variant: v.name,
          baseline: base.name,
          goodputRatio: meanInterval(
            pairs.map(([a, b]) => a.goodputRatio - b.goodputRatio),
            ratioSpread(pairs),
          ),
          pStuck: meanInterval(
            pairs.map(([a, b]) => Number(a.stuck) - Number(b.stuck)),
            { min: -1, max: 1 },
          ),
          timeToRecover:
            both.length > 0 ? meanInterval(both.map(([a, b]) => a.timeToRecover! - b.timeToRecover!)) : null,
        };
      })
    : [];
  return { variants: summaries, differences };
}

/**
 * Where a difference of two goodput ratios can lie: within +-1 for shares; unbounded once a ratio
 * exceeds 1 (a backlog served after the trigger), so the interval never excludes its own mean.
 */
function ratioSpread(pairs: readonly (readonly [TrialResult, TrialResult])[]): Bounds {
  return pairs.some(([a, b]) => a.goodputRatio > 1 || b.goodputRatio > 1) ? {} : { min: -1, max: 1 };
}
