import type { Backoff } from "./backoff.js";

/** Retries at once: the behaviour that turns timeouts into a retry storm. */
export class NoBackoff implements Backoff {
  readonly label = "none";
  delay(): number {
    return 0;
  }
}
