import { checkNumber, OptionError } from "../../engine/option-error.js";

/** Options of request hedging. Seconds. */
export interface HedgeOptions {
  /** Send the hedge when the first attempt has not answered this long after it was sent; > 0 and below the client's timeout. Required. */
  after: number;
}

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
    this.after = checkNumber("after", options.after, { min: 0, exclusiveMin: true });
    if (!(this.after < timeout)) {
      throw new OptionError(
        ["after"],
        `expected a number below the client's timeout (${timeout} s), got ${this.after}; a later hedge is never sent`,
      );
    }
    this.label = `after ${this.after} s`;
  }
}
