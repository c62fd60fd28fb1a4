import { OptionError } from "../../engine/option-error.js";
import type { Backoff } from "./backoff.js";
import { DecorrelatedJitter, type DecorrelatedJitterOptions } from "./decorrelated-jitter.js";
import { ExponentialBackoff, type ExponentialBackoffOptions } from "./exponential-backoff.js";
import { FixedBackoff } from "./fixed-backoff.js";
import { NoBackoff } from "./no-backoff.js";

/** A backoff policy as written in a scenario file. */
export type BackoffSpec =
  | { kind: "none" }
  | { kind: "fixed"; delay: number }
  | ({ kind: "exponential" } & ExponentialBackoffOptions)
  | ({ kind: "decorrelated" } & DecorrelatedJitterOptions);

/** Names of the backoff kinds. */
export const BACKOFF_KINDS = ["none", "fixed", "exponential", "decorrelated"] as const;

/** Builds (and validates) a backoff policy. */
export function createBackoff(spec: BackoffSpec): Backoff {
  switch (spec.kind) {
    case "none":
      return new NoBackoff();
    case "fixed":
      return new FixedBackoff(spec.delay);
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
