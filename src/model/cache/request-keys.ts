/** How long a request's key is remembered: at least this, at most twice this (seconds). */
const MEMORY = 30;

/**
 * The key each recent request missed on, so its retries ask for the same key instead of looking
 * like new requests. Two generations of a Map, swapped every MEMORY seconds: much cheaper than a
 * WeakMap, and memory stays bounded by the misses of the last 2 x MEMORY seconds.
 */
export class RequestKeys {
  private current = new Map<object, number>();
  private older = new Map<object, number>();
  private since = 0;

  /** The key `request` asked for, if it missed recently. */
  recall(request: object, now: number): number | undefined {
    if (now >= this.since + MEMORY) {
      this.older = this.current;
      this.current = new Map();
      this.since = now;
    }
    return this.current.get(request) ?? this.older.get(request);
  }

  /** Remembers that `request` asked for `key`. */
  remember(request: object, key: number): void {
    this.current.set(request, key);
  }
}
