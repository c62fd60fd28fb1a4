import { OptionError } from "../../engine/option-error.js";
import { kindsOf, type PolicySpec, policyFamily } from "../options.js";
import type { Backoff } from "./backoff.js";
import { DECORRELATED_JITTER_OPTIONS, DecorrelatedJitter } from "./decorrelated-jitter.js";
import { EXPONENTIAL_BACKOFF_OPTIONS, ExponentialBackoff } from "./exponential-backoff.js";
import { FIXED_BACKOFF_OPTIONS, FixedBackoff } from "./fixed-backoff.js";
import { NoBackoff } from "./no-backoff.js";

/** The backoff policies, each with its options. */
export const BACKOFFS = policyFamily("backoff", {
  none: { doc: "Retry at once.", options: {} },
  fixed: { doc: "The same wait before every retry.", options: FIXED_BACKOFF_OPTIONS },
  exponential: {
    doc: "A wait that grows by `multiplier` per retry up to `cap`, optionally jittered.",
    options: EXPONENTIAL_BACKOFF_OPTIONS,
  },
  decorrelated: {
    doc: "Decorrelated jitter: min(cap, uniform(base, 3 x the previous wait)).",
    options: DECORRELATED_JITTER_OPTIONS,
  },
});

/** A backoff policy as written in a scenario file. */
export type BackoffSpec = PolicySpec<typeof BACKOFFS>;

/** Names of the backoff kinds. */
export const BACKOFF_KINDS = kindsOf(BACKOFFS);

/** Builds (and validates) a backoff policy. */
export function createBackoff(spec: BackoffSpec): Backoff {
  switch (spec.kind) {
    case "none":
      return new NoBackoff();
    case "fixed":
      return new FixedBackoff(spec);
    case "exponential":
      return new ExponentialBackoff(spec);
    case "decorrelated":
      return new DecorrelatedJitter(spec);
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${BACKOFF_KINDS.join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
