import { checkNumber } from "../../engine/option-error.js";

/**
 * An end-to-end deadline per request: every attempt carries it (capped by its own timeout) so a
 * server with `dropExpired` can shed work nobody will wait for, and no retry starts after it.
 */
export interface DeadlinePolicy {
  /** Human-readable description for the report. */
  readonly label: string;
  /** The absolute deadline of a request created at `createdAt`. */
  deadlineFor(createdAt: number): number;
}

/** The same budget of seconds for every request, counted from its arrival. */
export class FixedDeadline implements DeadlinePolicy {
  readonly label: string;
  readonly seconds: number;

  constructor(seconds: number) {
    this.seconds = checkNumber("deadline", seconds, { min: 0, exclusiveMin: true });
    this.label = `${this.seconds} s`;
  }

  deadlineFor(createdAt: number): number {
    return createdAt + this.seconds;
  }
}
