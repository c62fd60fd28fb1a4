// A client's requests in flight, one row per request in parallel typed arrays. In a retry storm
// hundreds of thousands of abandoned attempts wait in a server queue; as plain (caller, token)
// numbers they cost the garbage collector nothing, where one object per attempt (and per request
// it kept alive) made collection half of the run.

import { ModelLimitError } from "../engine/limit-error.js";

// Rows a table can hold, and the serials a row can hand out: a token is serial x ROWS + row, an
// integer below 2^53. A row is retired once its serials run low, so a token is never reused.
const ROWS = 2 ** 24;
const SERIALS = 2 ** 29;
const RETIRE_AT = SERIALS - 2 ** 20;

/** No token: nothing waited for, no timer pending. */
export const NONE = -1;

/** Rows of requests; the client reads and writes the columns directly. */
export class RequestTable {
  /** When the request arrived. */
  createdAt = new Float64Array(0);
  /** Absolute end-to-end deadline (Infinity without one). */
  deadline = new Float64Array(0);
  /** The request number `requestOf` gives, the same for all its attempts (unique in the simulation). */
  requestId = new Float64Array(0);
  /** First tries plus retries sent (hedges not included). */
  attempts = new Int32Array(0);
  /** The last backoff delay (decorrelated jitter grows from it). */
  lastDelay = new Float64Array(0);
  /** 1 once completed or given up. */
  done = new Uint8Array(0);
  /** 1 while a retry is scheduled. */
  retryPending = new Uint8Array(0);
  /** Token of the attempt waited for (only the latest attempt can be), or NONE. */
  waiting = new Float64Array(0);
  /** Its timeout event and gate ticket. */
  timer = new Float64Array(0);
  ticket = new Float64Array(0);
  /** The hedge waited for, or NONE; its timeout event and gate ticket. */
  hedge = new Float64Array(0);
  hedgeTimeout = new Float64Array(0);
  hedgeTicket = new Float64Array(0);
  /** The pending event that sends the hedge, or NONE. */
  hedgeTimer = new Float64Array(0);
  /** For a request forwarded for a calling service: the service's token for it, else NONE. */
  owner = new Float64Array(0);
  // Next serial to hand out, and the first serial of the row's current request.
  private nextSerial = new Float64Array(0);
  private firstSerial = new Float64Array(0);
  private inUse = new Uint8Array(0);
  private readonly free: number[] = [];
  private rows = 0;

  /** Starts a request; returns its row. */
  open(now: number, deadline: number, requestId: number): number {
    const row = this.free.length > 0 ? this.free.pop()! : this.fresh();
    this.createdAt[row] = now;
    this.deadline[row] = deadline;
    this.requestId[row] = requestId;
    this.attempts[row] = 0;
    this.lastDelay[row] = 0;
    this.done[row] = 0;
    this.retryPending[row] = 0;
    this.waiting[row] = NONE;
    this.hedge[row] = NONE;
    this.hedgeTimer[row] = NONE;
    this.owner[row] = NONE;
    this.firstSerial[row] = this.nextSerial[row]!;
    this.inUse[row] = 1;
    return row;
  }

  /** A new attempt token for the request in `row`. */
  token(row: number): number {
    const serial = this.nextSerial[row]!;
    if (serial >= SERIALS)
      throw new ModelLimitError(
        "a request sent more than 500 million attempts; bound its retries (retry.maxAttempts) or shorten the run",
      );
    this.nextSerial[row] = serial + 1;
    return serial * ROWS + row;
  }

  /** The row a token was issued from. */
  rowOf(token: number): number {
    return token % ROWS;
  }

  /** Whether `token` was issued to the request now in its row (an earlier attempt of it, say). */
  current(token: number): boolean {
    const row = token % ROWS;
    return this.inUse[row] === 1 && Math.floor(token / ROWS) >= this.firstSerial[row]!;
  }

  /** Frees the row of a finished request once nothing of it is still waited for or scheduled. */
  release(row: number): void {
    if (
      this.done[row] === 0 ||
      this.inUse[row] === 0 ||
      this.waiting[row] !== NONE ||
      this.hedge[row] !== NONE ||
      this.hedgeTimer[row] !== NONE ||
      this.retryPending[row] === 1
    )
      return;
    this.inUse[row] = 0;
    if (this.nextSerial[row]! < RETIRE_AT) this.free.push(row);
  }

  private fresh(): number {
    const row = this.rows++;
    if (row >= ROWS)
      throw new ModelLimitError(
        `more than ${ROWS} requests in flight on one client, the most the simulator holds; lower the load, shorten the client's timeout, or shorten the run`,
      );
    if (row === this.createdAt.length) this.grow(Math.max(64, row * 2));
    return row;
  }

  private grow(n: number): void {
    this.createdAt = resized(this.createdAt, n);
    this.deadline = resized(this.deadline, n);
    this.requestId = resized(this.requestId, n);
    this.attempts = resized(this.attempts, n);
    this.lastDelay = resized(this.lastDelay, n);
    this.done = resized(this.done, n);
    this.retryPending = resized(this.retryPending, n);
    this.waiting = resized(this.waiting, n);
    this.timer = resized(this.timer, n);
    this.ticket = resized(this.ticket, n);
    this.hedge = resized(this.hedge, n);
    this.hedgeTimeout = resized(this.hedgeTimeout, n);
    this.hedgeTicket = resized(this.hedgeTicket, n);
    this.hedgeTimer = resized(this.hedgeTimer, n);
    this.owner = resized(this.owner, n);
    this.nextSerial = resized(this.nextSerial, n);
    this.firstSerial = resized(this.firstSerial, n);
    this.inUse = resized(this.inUse, n);
  }
}

/** A copy of `a` with room for `n` rows. */
function resized<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}
