import type { Simulation } from "../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../src/model/call.js";

/**
 * A caller for tests: records the answer to each token (and when it came), and fails the test if
 * a call is answered twice. `wanted` decides what `reply` returns (default: every answer).
 */
export class TestCaller implements Caller {
  readonly status = new Map<number, ReplyStatus>();
  readonly at = new Map<number, number>();
  constructor(
    private readonly sim?: Simulation,
    private readonly wanted: (token: number, status: ReplyStatus) => boolean = () => true,
  ) {}

  reply(token: number, status: ReplyStatus): boolean {
    if (this.status.has(token)) throw new Error(`call ${token} answered twice`);
    this.status.set(token, status);
    this.at.set(token, this.sim?.now ?? Number.NaN);
    return this.wanted(token, status);
  }

  requestOf(): number {
    return -1;
  }

  /** How many calls were answered with `status`. */
  count(status: ReplyStatus): number {
    let n = 0;
    for (const s of this.status.values()) if (s === status) n++;
    return n;
  }
}

/**
 * The caller of a single call (token 0) of no known request: records each answer and when it
 * came, and wants answers until `deadline`.
 */
export class Probe implements Caller {
  answers: { status: ReplyStatus; at: number }[] = [];
  constructor(
    private readonly sim: Simulation,
    readonly deadline = Number.POSITIVE_INFINITY,
  ) {}

  reply(token: number, status: ReplyStatus): boolean {
    if (token !== 0) throw new Error(`a probe sends only call 0, got an answer to ${token}`);
    this.answers.push({ status, at: this.sim.now });
    return this.sim.now <= this.deadline;
  }

  requestOf(): number {
    return -1;
  }
}
