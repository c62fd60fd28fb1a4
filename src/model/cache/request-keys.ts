/** How long a request's key is remembered: at least this, at most twice this (seconds). */
const MEMORY = 30;

/**
 * The key each recent request missed on, so its retries ask for the same key instead of looking
 * like new requests. Requests are named by their number (`Caller.requestOf`, unique in the
 * simulation). Two generations of a Map, swapped every MEMORY seconds: memory stays bounded by
 * the misses of the last 2 x MEMORY seconds without a timer per request.
 */
export class RequestKeys {
  private current = new Map<number, number>();
  private older = new Map<number, number>();
  private since = 0;

  /** The key request `request` asked for, if it missed recently. */
  recall(request: number, now: number): number | undefined {
    if (now >= this.since + MEMORY) {
      this.older = this.current;
      this.current = new Map();
      this.since = now;
    }
    return this.current.get(request) ?? this.older.get(request);
  }

  /** Remembers that request `request` asked for `key`. */
  remember(request: number, key: number): void {
    this.current.set(request, key);
  }
}
