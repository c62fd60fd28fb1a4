/** What a balancing policy may know about a backend: the calls it has not answered yet. */
export interface BackendLoad {
  /** Calls forwarded to the backend whose answer is still awaited (and still wanted). */
  readonly outstanding: number;
}

/** Chooses which backend gets the next call. One implementation per file. */
export interface BalancingPolicy {
  /** Human-readable name, e.g. `power-of-two`. */
  readonly label: string;
  /** Index into `backends` (never empty) of the backend for the next call. */
  pick(backends: readonly BackendLoad[]): number;
}
