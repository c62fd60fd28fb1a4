import { checkNumber } from "../../engine/option-error.js";
import type { Backoff } from "./backoff.js";

/** Waits the same `delay` seconds before every retry. */
export class FixedBackoff implements Backoff {
  readonly label: string;
  private readonly seconds: number;
  constructor(delay: number) {
    this.seconds = checkNumber("delay", delay, { min: 0 });
    this.label = `fixed(delay=${delay})`;
  }
  delay(): number {
    return this.seconds;
  }
}
