import type { BackendLoad, BalancingPolicy } from "./balancing-policy.js";

/** Each backend in turn. Blind to load: a slow backend gets as many calls as a fast one. */
export class RoundRobin implements BalancingPolicy {
  readonly label = "roundRobin";
  private turn = 0;

  pick(backends: readonly BackendLoad[]): number {
    // A counter modulo the current size keeps working when backends join or leave.
    const i = this.turn % backends.length;
    this.turn = (this.turn + 1) % Number.MAX_SAFE_INTEGER;
    return i;
  }
}
