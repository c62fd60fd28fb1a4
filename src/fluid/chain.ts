import {
  type AttemptFlow,
  attemptFlow,
  attemptRate,
  type ClientFlowOptions,
  loadFor,
} from "./client-flow.js";
import type { QueueState } from "./queue-model.js";

/** One hop of a multi-tier chain: a caller's client and the service or server it calls. */
export interface ChainLayer {
  /** Who calls, e.g. "client" or "api->web". */
  caller: string;
  /** What it calls. */
  target: string;
  client: ClientFlowOptions;
  /** Mean own work (seconds) the target does per call besides its own call down; 0 at the bottom. */
  work: number;
}

/** What the chain does at one state of the bottom queue. */
export interface ChainFlow {
  /** The whole chain seen from the bottom queue (attempts there per request, a request's failure). */
  flow: AttemptFlow;
  /** Per layer, top first: its own flow (calls per call it makes, its failure). */
  layers: AttemptFlow[];
}

/**
 * A chain of callers over one queue: sources -> client -> service -> ... -> server. Each service
 * does its own work and makes one call; only the bottom server queues. Every layer's attempt fails
 * when the call below it fails or answers after the layer's timeout, and a failed attempt is
 * retried, so attempts multiply: with every query timing out, a request makes A_0 x A_1 x ... x
 * A_n attempts at the bottom (Wald: the expected product of independent per-layer counts).
 *
 * Timing: a layer retries after min(its timeout, the time the call below takes to fail) plus its
 * backoff. Attempts are independent (mean field), and a retry budget caps its own layer's retries
 * at its long-run rate; a refused retry's failure is not fed back into the layer above (that
 * layer's retries are capped by its own budget, if it has one).
 */
export class Chain {
  /** Seconds from one attempt of a layer to its retry (top first). */
  readonly spacing: number[];
  /** Seconds a layer's call takes when every attempt fails. */
  readonly failTime: number[];
  /** Mean time a retry waits, weighted by how many retries each layer makes when all fail. */
  readonly orbitTime: number;
  /** Attempts at the bottom per request when every attempt fails. */
  readonly maxAttempts: number;
  /** Per layer: calls per call it makes when every attempt fails (1 where it does not retry that failure). */
  readonly allFail: number[];
  private readonly budgeted: boolean;

  constructor(readonly layers: readonly ChainLayer[]) {
    const n = layers.length;
    this.spacing = new Array(n).fill(0);
    this.failTime = new Array(n).fill(0);
    this.allFail = new Array(n).fill(1);
    for (let i = n - 1; i >= 0; i--) {
      const c = layers[i]!.client;
      const below = i === n - 1 ? Number.POSITIVE_INFINITY : layers[i]!.work + this.failTime[i + 1]!;
      // A call below that gives up before this layer's timeout answers with an error.
      const retried = below < c.timeout ? c.retryOnError : c.retryOnTimeout;
      const attempts = retried ? c.maxAttempts : 1;
      const attemptFails = Math.min(c.timeout, below);
      this.allFail[i] = attempts;
      this.spacing[i] = attemptFails + c.meanBackoff;
      this.failTime[i] = attempts * attemptFails + (attempts - 1) * c.meanBackoff;
    }
    let calls = 1;
    let retries = 0;
    let waited = 0;
    for (let i = 0; i < n; i++) {
      const a = this.allFail[i]!;
      retries += calls * (a - 1);
      waited += calls * (a - 1) * this.spacing[i]!;
      calls *= a;
    }
    this.maxAttempts = calls;
    this.orbitTime = retries > 0 ? waited / retries : this.spacing[n - 1]!;
    this.budgeted = layers.some((l) => l.client.retryBudget !== null);
  }

  /** Each layer's flow at a state of the bottom queue, bottom up; the chain's as a whole. */
  at(state: QueueState): ChainFlow {
    const n = this.layers.length;
    const flows: AttemptFlow[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      let seen: Pick<QueueState, "late" | "rejected">;
      if (i === n - 1) seen = state;
      else {
        // The call below fails before this layer's timeout: an error answer, retried as such.
        const failsFirst = layer.work + this.failTime[i + 1]! < layer.client.timeout;
        seen = {
          late: (u) => this.lateAttempt(state, i, u),
          rejected: failsFirst ? flows[i + 1]!.failure : 0,
        };
      }
      flows[i] = attemptFlow(layer.client, seen as QueueState);
    }
    let attempts = 1;
    for (const f of flows) attempts *= f.attemptsPerRequest;
    const bottom = flows[n - 1]!;
    return {
      flow: {
        attemptsPerRequest: attempts,
        retryable: bottom.retryable,
        timeout: bottom.timeout,
        failure: flows[0]!.failure,
      },
      layers: flows,
    };
  }

  /** Attempts per second at the bottom for a base load, each layer's budget applied to its calls. */
  rate(perLayer: ArrayLike<number>, load: number): number {
    let calls = load;
    for (let i = 0; i < this.layers.length; i++)
      calls = attemptRate(this.layers[i]!.client, perLayer[i]!, calls);
    return calls;
  }

  /** The base load whose attempts come to `offered` per second at the bottom (rate inverted, exactly). */
  loadFor(perLayer: ArrayLike<number>, offered: number): number {
    let calls = offered;
    for (let i = this.layers.length - 1; i >= 0; i--)
      calls = loadFor(this.layers[i]!.client, perLayer[i]!, calls);
    return calls;
  }

  /**
   * Requests per second answered ok. Without budgets: load x (1 - failure). A layer held under its
   * budget succeeds at most as often as its allowed attempts are answered in time, and that
   * shortfall carries up to the layers above.
   */
  goodput(flow: ChainFlow, load: number): number {
    if (!this.budgeted) return load * (1 - flow.flow.failure);
    const n = this.layers.length;
    const calls = [load];
    for (let i = 0; i < n; i++)
      calls.push(attemptRate(this.layers[i]!.client, flow.layers[i]!.attemptsPerRequest, calls[i]!));
    let kept = 1;
    let success = 1;
    for (let i = n - 1; i >= 0; i--) {
      const f = flow.layers[i]!;
      const free = 1 - f.failure;
      const allowed = calls[i + 1]! / Math.max(calls[i]!, 1e-300);
      const capped = allowed < f.attemptsPerRequest * (1 - 1e-12);
      success = (capped ? Math.min(free, allowed * (1 - f.timeout)) : free) * kept;
      kept = free > 0 ? success / free : 0;
    }
    return load * success;
  }

  /** P(an attempt of layer i, a call to a service, has no ok answer within u seconds). */
  private lateAttempt(state: QueueState, i: number, u: number): number {
    const work = this.layers[i]!.work;
    return u <= work ? 1 : this.lateCall(state, i + 1, u - work);
  }

  /** P(a call of layer i, retries included, has no ok answer within t seconds of its start). */
  private lateCall(state: QueueState, i: number, t: number): number {
    const layer = this.layers[i]!;
    const c = layer.client;
    const s = this.spacing[i]!;
    const tries = this.allFail[i]!;
    let late = 1;
    for (let k = 0; k < tries && k * s < t; k++) {
      const u = Math.min(c.timeout, t - k * s);
      late *= i === this.layers.length - 1 ? state.late(u) : this.lateAttempt(state, i, u);
    }
    return late;
  }
}
