import { checkNumber, OptionError } from "../../engine/option-error.js";
import { option, type PolicySpec, policyFamily, readOptions } from "../options.js";

/** Options of an adaptive concurrency limit. */
export const AIMD_OPTIONS = {
  initial: option.number({
    doc: "The limit at the start, within [min, max].",
    defaultText: "20, moved into [min, max]",
  }),
  min: option.number({ doc: "The limit never goes below this.", default: 1, min: 1 }),
  max: option.number({ doc: "The limit never goes above this; at least `min`.", default: 200 }),
  increase: option.number({
    doc: "Added to the limit per limit's worth of successful attempts, i.e. about once per round trip.",
    default: 1,
    min: 0,
    exclusiveMin: true,
  }),
  decrease: option.number({
    doc: "Factor the limit is multiplied by on each timeout or error answer.",
    default: 0.9,
    min: 0,
    exclusiveMin: true,
    max: 1,
  }),
} as const;

/** The adaptation rules of a concurrency limit. */
export const CONCURRENCY_LIMITS = policyFamily("concurrency limit", {
  aimd: { doc: "Additive increase, multiplicative decrease.", options: AIMD_OPTIONS },
});

/** Options of an adaptive concurrency limit, as its constructor takes them. */
export type ConcurrencyLimitOptions = PolicySpec<typeof CONCURRENCY_LIMITS>;

/** Caps the attempts a client has in flight; an attempt over the cap fails locally. */
export interface ConcurrencyLimit {
  /** Human-readable description for the report. */
  readonly label: string;
  /** The current limit (fractional; floor(limit) attempts may be in flight). */
  readonly limit: number;
  /** Attempts in flight now. */
  readonly inFlight: number;
  /** Whether one more attempt may be sent (no side effects). */
  allows(): boolean;
  /** An attempt was sent. */
  sent(): void;
  /** An attempt ended: answered ok, failed (timeout or error answer), or withdrawn unanswered. */
  settled(outcome: "ok" | "failed" | "withdrawn"): void;
}

/**
 * AIMD concurrency limit, as TCP congestion control and Netflix's concurrency-limits do it: grow
 * by `increase` per round trip while attempts succeed, shrink by `decrease` on every failure.
 */
export class AimdConcurrencyLimit implements ConcurrencyLimit {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly increase: number;
  readonly decrease: number;
  limit: number;
  inFlight = 0;

  constructor(options: ConcurrencyLimitOptions) {
    if (options.kind !== "aimd") {
      throw new OptionError(["kind"], `expected "aimd", got ${JSON.stringify(options.kind)}`);
    }
    const o = readOptions(AIMD_OPTIONS, options);
    this.min = o.min;
    this.max = checkNumber("max", o.max, { min: this.min });
    this.limit = checkNumber("initial", o.initial ?? Math.min(this.max, Math.max(this.min, 20)), {
      min: this.min,
      max: this.max,
    });
    this.increase = o.increase;
    this.decrease = o.decrease;
    this.label = `aimd(${this.limit} in [${this.min}, ${this.max}], +${this.increase}, x${this.decrease})`;
  }

  allows(): boolean {
    return this.inFlight < Math.floor(this.limit);
  }

  sent(): void {
    this.inFlight++;
  }

  settled(outcome: "ok" | "failed" | "withdrawn"): void {
    // Grow only while the limit is being used, so an idle client does not inflate it.
    if (outcome === "ok" && 2 * this.inFlight >= this.limit) {
      this.limit = Math.min(this.max, this.limit + this.increase / this.limit);
    } else if (outcome === "failed") {
      this.limit = Math.max(this.min, this.limit * this.decrease);
    }
    this.inFlight--;
  }
}
