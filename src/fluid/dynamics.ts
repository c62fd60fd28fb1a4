import type { Chain, ChainFlow } from "./chain.js";
import {
  type AttemptFlow,
  attemptFlow,
  attemptRate,
  type ClientFlowOptions,
  goodput,
  loadFor,
} from "./client-flow.js";
import type { QueueModel, QueueState } from "./queue-model.js";
import { rootIn } from "./roots.js";

/** One steady state of the server, and what the client does at it. */
export interface FlowPoint {
  state: QueueState;
  flow: AttemptFlow;
  /** The base load for which this state is an equilibrium (req/s). */
  load: number;
  /** With a chain of callers: each layer's flow. */
  chain?: ChainFlow;
}

/** Evaluates the model at offered load x (attempts per second at the queue). */
export function flowAt(
  queue: QueueModel,
  client: ClientFlowOptions,
  x: number,
  chain: Chain | null = null,
): FlowPoint {
  const state = queue.at(x);
  if (chain) {
    const c = chain.at(state);
    return { state, flow: c.flow, load: chain.loadFor(perLayer(c), x), chain: c };
  }
  const flow = attemptFlow(client, state);
  return { state, flow, load: loadFor(client, flow.attemptsPerRequest, x) };
}

function perLayer(c: ChainFlow): number[] {
  return c.layers.map((f) => f.attemptsPerRequest);
}

/**
 * Grid of offered loads, as fractions of capacity: fine near 0 and, for an unbounded queue, closer
 * and closer to capacity where its queue grows without bound; out to 30x capacity for the others.
 */
export function grid(unbounded: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < 160; i++) out.push((0.9 * i) / 160);
  for (let i = 0; i <= 240; i++) {
    out.push(unbounded ? 1 - 0.1 * 10 ** ((-5 * i) / 240) : 0.9 * (30 / 0.9) ** (i / 240));
  }
  return out;
}

/**
 * The fluid system over (queue, orbit): the queue is the mean number of calls at the server, the
 * orbit the requests waiting to retry (their attempt's timeout running out, then their backoff).
 *
 *   queue' = (arrivals - x(queue)) (1 - rejected),  arrivals = load + orbit / D
 *   orbit' = arrivals h(queue) - orbit / D
 *
 * x(queue) is the offered load whose steady state holds `queue` calls (pointwise stationary
 * approximation), D = timeout + mean backoff, and h = (A - 1) / A the share of attempts that are
 * followed by a retry when a request makes A attempts. Its equilibria are exactly the steady
 * states with load = x / A. The curve over a grid of x is tabulated once, so a step is a lookup.
 *
 * With a chain of callers (services calling down to the queue) the orbit holds the retries of every
 * layer, D is their mean wait (Chain.orbitTime) and h = 1 - load / X, where X is the attempt rate
 * the chain sends at the queue for the load, each layer's budget applied (A x load without any).
 */
export class FluidDynamics {
  /** Mean time a request spends in the orbit: the timeout plus the mean backoff. */
  readonly orbitTime: number;
  readonly points: FlowPoint[];
  private readonly q: Float64Array;

  constructor(
    readonly queue: QueueModel,
    readonly client: ClientFlowOptions,
    readonly chain: Chain | null = null,
  ) {
    this.orbitTime = chain ? chain.orbitTime : client.timeout + client.meanBackoff;
    const unbounded = Number.isFinite(queue.maxOffered);
    this.points = grid(unbounded).map((f) => flowAt(queue, client, f * queue.capacity, chain));
    this.layers = new Float64Array(chain?.layers.length ?? 0);
    // Keep the queue axis increasing, so it can be searched (it is, up to rounding).
    this.q = new Float64Array(this.points.length);
    let last = 0;
    this.points.forEach((p, i) => {
      last = Math.max(last, p.state.inSystem);
      this.q[i] = last;
    });
  }

  /** The model evaluated at offered load x (attempts per second at the queue). */
  flowAt(x: number): FlowPoint {
    return flowAt(this.queue, this.client, x, this.chain);
  }

  /** Attempts per second sent to the queue at a state, for a base load (budgets applied). */
  sent(p: FlowPoint, load: number): number {
    return this.chain
      ? this.chain.rate(perLayer(p.chain!), load)
      : attemptRate(this.client, p.flow.attemptsPerRequest, load);
  }

  /** Requests per second answered ok at a state, for a base load. */
  goodput(p: FlowPoint, load: number): number {
    return this.chain ? this.chain.goodput(p.chain!, load) : goodput(this.client, p.flow, load);
  }

  /** Attempts per second sent to the queue when every attempt fails (budgets applied). */
  sentAllFailing(load: number): number {
    if (this.chain) return this.chain.rate(this.chain.allFail, load);
    const c = this.client;
    return attemptRate(c, c.retryOnTimeout ? c.maxAttempts : 1, load);
  }

  /** Attempts a request makes at the queue when every attempt fails (no budget). */
  get maxAttempts(): number {
    return this.chain ? this.chain.maxAttempts : this.client.maxAttempts;
  }

  /** Whether the queue can grow without bound (an unbounded FIFO queue). */
  get unbounded(): boolean {
    return Number.isFinite(this.queue.maxOffered);
  }

  /** The largest queue the table covers. */
  get maxQueue(): number {
    return this.q[this.q.length - 1]!;
  }

  // Scratch for `lookup`: the flow is evaluated thousands of times per analysis.
  private readonly here = { x: 0, rejected: 0, attempts: 1, timeout: 0 };
  private lastQ = Number.NaN;
  // With a chain: each layer's calls per call at the looked-up queue.
  private readonly layers: Float64Array;

  /**
   * Interpolated quantities at queue q: offered load, rejected fraction, attempts per request and
   * P(an attempt has no ok answer within the timeout).
   */
  lookup(q: number): {
    readonly x: number;
    readonly rejected: number;
    readonly attempts: number;
    readonly timeout: number;
  } {
    const qs = this.q;
    const here = this.here;
    // The cache model looks up the same queue twice per evaluation.
    if (q === this.lastQ) return here;
    this.lastQ = q;
    let lo = 0;
    let hi = qs.length - 1;
    // Past a bounded queue's end the last piece goes on (offered load still rising): the full
    // queue's state is then a smooth equilibrium, not a corner the integrator must creep into.
    const beyond = q >= qs[hi]! && !this.unbounded && qs[hi]! > qs[hi - 1]!;
    if (q <= 0 || (q >= qs[hi]! && !beyond)) {
      const p = this.points[q <= 0 ? 0 : hi]!;
      here.x = p.state.offered;
      here.rejected = p.state.rejected;
      here.attempts = p.flow.attemptsPerRequest;
      here.timeout = p.flow.timeout;
      if (p.chain)
        for (let i = 0; i < this.layers.length; i++) this.layers[i] = p.chain.layers[i]!.attemptsPerRequest;
      return here;
    }
    if (beyond) lo = hi - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (qs[mid]! <= q) lo = mid;
      else hi = mid;
    }
    const a = this.points[lo]!;
    const b = this.points[hi]!;
    const w = qs[hi]! > qs[lo]! ? (q - qs[lo]!) / (qs[hi]! - qs[lo]!) : 0;
    here.x = a.state.offered + w * (b.state.offered - a.state.offered);
    here.rejected = a.state.rejected + w * (b.state.rejected - a.state.rejected);
    here.attempts = a.flow.attemptsPerRequest + w * (b.flow.attemptsPerRequest - a.flow.attemptsPerRequest);
    here.timeout = a.flow.timeout + w * (b.flow.timeout - a.flow.timeout);
    if (beyond) {
      // Only the offered load goes on; what the full queue refuses and answers late stays.
      here.rejected = b.state.rejected;
      here.timeout = b.flow.timeout;
      here.attempts = b.flow.attemptsPerRequest;
      if (b.chain)
        for (let i = 0; i < this.layers.length; i++) this.layers[i] = b.chain.layers[i]!.attemptsPerRequest;
    }
    if (a.chain && b.chain) {
      for (let i = 0; i < this.layers.length; i++) {
        const la = a.chain.layers[i]!.attemptsPerRequest;
        this.layers[i] = la + w * (b.chain.layers[i]!.attemptsPerRequest - la);
      }
    }
    return here;
  }

  /**
   * (queue', orbit') at a state, base load `load`; a paused server finishes nothing and every
   * attempt in it times out.
   */
  rate(q: number, r: number, load: number, paused: boolean, out: Float64Array): void {
    const here = this.lookup(q);
    if (this.chain && paused) {
      this.layers.set(this.chain.allFail);
      this.lastQ = Number.NaN;
    }
    const attempts = paused ? this.maxAttempts : here.attempts;
    this.write(q, r, load, here.x, here.rejected, attempts, paused, out, this.layers);
  }

  private write(
    q: number,
    r: number,
    load: number,
    x: number,
    rejected: number,
    attempts: number,
    paused: boolean,
    out: Float64Array,
    layers: ArrayLike<number>,
  ): void {
    const d = this.orbitTime;
    const arrivals = load + Math.max(r, 0) / d;
    let retries: number;
    if (this.chain) {
      // The share of attempts at the queue that are retries (of any layer) at this load.
      const sent = this.chain.rate(layers, load);
      retries = sent > load ? arrivals * (1 - load / sent) : 0;
    } else {
      // Every attempt that fails is retried while the request has attempts left: (A - 1) / A of
      // attempts are followed by a retry, up to what a retry budget allows per second.
      const wanted = (arrivals * (attempts - 1)) / attempts;
      const budget = this.client.retryBudget;
      retries = budget === null ? wanted : Math.min(wanted, budget.ratio * load + budget.minPerSecond);
    }
    out[0] = paused ? arrivals * (1 - rejected) : (arrivals - x) * (1 - rejected);
    // An empty queue cannot shrink.
    if (q <= 0 && out[0]! < 0) out[0] = 0;
    out[1] = retries - r / d;
  }

  /**
   * The Jacobian of the flow at (q, r), by central differences of the model itself (not the
   * table), with its eigenvalues.
   */
  jacobian(q: number, r: number, load: number): { matrix: number[][]; eigenvalues: Eigenvalue[] } {
    const out = new Float64Array(2);
    const f = (qq: number, rr: number): [number, number] => {
      const x = this.offeredFor(qq);
      const p = this.flowAt(x);
      const layers = p.chain ? perLayer(p.chain) : [];
      this.write(qq, rr, load, x, p.state.rejected, p.flow.attemptsPerRequest, false, out, layers);
      return [out[0]!, out[1]!];
    };
    const hq = Math.max(1e-4, 1e-4 * q);
    const hr = Math.max(1e-4, 1e-4 * r);
    const q0 = Math.max(q, hq);
    const [aP, bP] = f(q0 + hq, r);
    const [aM, bM] = f(q0 - hq, r);
    const [cP, dP] = f(q0, r + hr);
    const [cM, dM] = f(q0, r - hr);
    const matrix = [
      [(aP - aM) / (2 * hq), (cP - cM) / (2 * hr)],
      [(bP - bM) / (2 * hq), (dP - dM) / (2 * hr)],
    ];
    return { matrix, eigenvalues: eigenvalues2(matrix) };
  }

  /** The offered load whose steady state holds q calls, by bisection on the model. */
  offeredFor(q: number): number {
    let lo = 0;
    let hi = Number.isFinite(this.queue.maxOffered) ? this.queue.maxOffered : 30 * this.queue.capacity;
    // Bracket it on the table first: fewer evaluations of the model.
    const qs = this.q;
    for (let i = 0; i < qs.length; i++) {
      if (qs[i]! < q) lo = this.points[i]!.state.offered;
      else {
        hi = this.points[i]!.state.offered;
        break;
      }
    }
    const f = (x: number) => this.queue.at(x).inSystem - q;
    const flo = f(lo);
    const fhi = f(hi);
    if (!(flo < 0 && fhi > 0)) {
      // Not bracketed (rounding at the ends of the table): bisect on the sign as before.
      for (let i = 0; i < 80 && hi - lo > 1e-14 * hi; i++) {
        const mid = (lo + hi) / 2;
        if (this.queue.at(mid).inSystem < q) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    }
    return rootIn(f, lo, hi, flo, fhi, 1e-14);
  }
}

/** An eigenvalue, real or one of a complex pair. */
export interface Eigenvalue {
  re: number;
  im: number;
}

/** Eigenvalues of a 2x2 matrix. */
export function eigenvalues2(m: number[][]): Eigenvalue[] {
  const a = m[0]![0]!;
  const b = m[0]![1]!;
  const c = m[1]![0]!;
  const d = m[1]![1]!;
  const half = (a + d) / 2;
  const disc = half * half - (a * d - b * c);
  if (disc >= 0) {
    const s = Math.sqrt(disc);
    return [
      { re: half + s, im: 0 },
      { re: half - s, im: 0 },
    ];
  }
  const s = Math.sqrt(-disc);
  return [
    { re: half, im: s },
    { re: half, im: -s },
  ];
}
