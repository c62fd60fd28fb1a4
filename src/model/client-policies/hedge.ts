import { OptionError } from "../../engine/option-error.js";
import { type OptionsInput, option, readOptions } from "../options.js";

/** Options of request hedging. Seconds. */
export const HEDGE_OPTIONS = {
  after: option.number({
    doc: "Send the hedge when the first attempt has not answered this long after it was sent; below the client's timeout.",
    required: true,
    min: 0,
    exclusiveMin: true,
  }),
} as const;

/** Options of request hedging, as its constructor takes them. */
export type HedgeOptions = OptionsInput<typeof HEDGE_OPTIONS>;

/**
 * When to send a second copy of a request whose first attempt is slow (Dean and Barroso, "The
 * Tail at Scale"): the first ok answer wins and the other copy's work is wasted.
 */
export interface HedgePolicy {
  /** Human-readable description for the report. */
  readonly label: string;
  /** Seconds after the first attempt at which the hedge goes out if no answer has come. */
  readonly after: number;
}

/** One hedge after a fixed delay. */
export class FixedDelayHedge implements HedgePolicy {
  readonly label: string;
  readonly after: number;

  /** `timeout` is the client's per-attempt timeout: a hedge at or after it would never be sent. */
  constructor(options: HedgeOptions, timeout: number) {
    this.after = readOptions(HEDGE_OPTIONS, options).after;
    if (!(this.after < timeout)) {
      throw new OptionError(
        ["after"],
        `expected a number below the client's timeout (${timeout} s), got ${this.after}; a later hedge is never sent`,
      );
    }
    this.label = `after ${this.after} s`;
  }
}
