import type { QueueState } from "./queue-model.js";

/** What the fluid model needs of a client. Seconds, requests per second. */
export interface ClientFlowOptions {
  /** Per-attempt timeout. */
  timeout: number;
  /** Attempts per request, first try included. */
  maxAttempts: number;
  retryOnTimeout: boolean;
  retryOnError: boolean;
  /** Mean wait before a retry (averaged over the retries a request may make). */
  meanBackoff: number;
  /** A late answer completes the request while a retry of it is pending. */
  acceptLateResponses: boolean;
  /** Long-run cap on retries: `ratio` x requests + `minPerSecond`; null without a retry budget. */
  retryBudget: { ratio: number; minPerSecond: number } | null;
}

/** How a client's requests turn into attempts at one queue state. */
export interface AttemptFlow {
  /** Attempts sent per request, without any retry budget. */
  attemptsPerRequest: number;
  /** P(an attempt fails in a way the client retries). */
  retryable: number;
  /** P(an attempt has no ok answer within its timeout). */
  timeout: number;
  /** P(a request ends without an ok answer), without any retry budget. */
  failure: number;
}

/**
 * Attempts per request when every attempt fails independently. Retry k (k = 1..maxAttempts-1)
 * happens when all k attempts sent so far are still unanswered at the k-th timeout; with
 * acceptLateResponses an earlier attempt's late answer can still end the request, so attempt i
 * must be unanswered (k - i) retry spacings after its own timeout too.
 */
export function attemptFlow(client: ClientFlowOptions, queue: QueueState): AttemptFlow {
  const tau = client.timeout;
  const timeout = queue.late(tau);
  const errors = queue.rejected;
  const retryable =
    (client.retryOnError ? errors : 0) + (client.retryOnTimeout ? Math.max(0, timeout - errors) : 0);
  const spacing = tau + client.meanBackoff;
  let reach = 1;
  let attempts = 0;
  for (let k = 0; k < client.maxAttempts; k++) {
    attempts += reach;
    const stillLate = client.acceptLateResponses && k > 0 ? queue.late(tau + k * spacing) : retryable;
    reach *= k === 0 ? retryable : stillLate;
  }
  // A failure the client does not retry ends the request at once; then each attempt succeeds
  // with P(1 - timeout), and a request fails unless one of its attempts does.
  const failure = retryable >= timeout ? reach : 1 - (1 - timeout) * attempts;
  return { attemptsPerRequest: attempts, retryable, timeout, failure: Math.min(1, Math.max(0, failure)) };
}

/** Attempts per second that a base load of `load` requests per second sends, the budget applied. */
export function attemptRate(client: ClientFlowOptions, attemptsPerRequest: number, load: number): number {
  const wanted = load * attemptsPerRequest;
  const b = client.retryBudget;
  return b === null ? wanted : Math.min(wanted, load * (1 + b.ratio) + b.minPerSecond);
}

/**
 * The base load whose attempts, budget applied, come to `offered` per second: the load at which
 * the queue state is an equilibrium. Attempt rate grows with load, so this inverts it exactly.
 */
export function loadFor(client: ClientFlowOptions, attemptsPerRequest: number, offered: number): number {
  const unbudgeted = offered / attemptsPerRequest;
  const b = client.retryBudget;
  return b === null ? unbudgeted : Math.max(unbudgeted, (offered - b.minPerSecond) / (1 + b.ratio));
}

/** Requests per second that end with an ok answer. */
export function goodput(client: ClientFlowOptions, flow: AttemptFlow, load: number): number {
  const offered = attemptRate(client, flow.attemptsPerRequest, load);
  const capped = offered < load * flow.attemptsPerRequest * (1 - 1e-12);
  if (!capped) return load * (1 - flow.failure);
  // Under the budget's cap: ok answers within the timeout, at most one per request.
  return Math.min(load * (1 - flow.failure), offered * (1 - flow.timeout));
}
