import { type OptionsInput, option, readOptions } from "../options.js";
import type { Backoff } from "./backoff.js";

/** Options of fixed backoff. Seconds. */
export const FIXED_BACKOFF_OPTIONS = {
  delay: option.number({ doc: "Wait before every retry.", required: true, min: 0 }),
} as const;

/** Waits the same `delay` seconds before every retry. */
export class FixedBackoff implements Backoff {
  readonly label: string;
  private readonly seconds: number;
  constructor(options: OptionsInput<typeof FIXED_BACKOFF_OPTIONS>) {
    this.seconds = readOptions(FIXED_BACKOFF_OPTIONS, options).delay;
    this.label = `fixed(delay=${this.seconds})`;
  }
  delay(): number {
    return this.seconds;
  }
}
