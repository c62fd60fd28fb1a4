/**
 * Cache entries with least-recently-used eviction, O(1) per operation: a Map keeps insertion
 * order, so re-inserting a key makes it the most recent and the first key is the eviction victim.
 */
export class LruStore {
  // key -> the time its entry expires.
  private readonly entries = new Map<number, number>();

  constructor(readonly capacity: number) {}

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** When `key`'s entry expires (undefined when absent); a found entry becomes the most recent. */
  use(key: number): number | undefined {
    const expiresAt = this.entries.get(key);
    if (expiresAt !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, expiresAt);
    }
    return expiresAt;
  }

  /** Whether `key` has an entry, without touching its recency. */
  has(key: number): boolean {
    return this.entries.has(key);
  }

  /** Stores `key` as the most recent entry; returns true when that evicted another entry. */
  set(key: number, expiresAt: number): boolean {
    if (this.capacity === 0) return false;
    if (this.entries.delete(key) || this.entries.size < this.capacity) {
      this.entries.set(key, expiresAt);
      return false;
    }
    this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, expiresAt);
    return true;
  }

  /** Removes `key`'s entry. */
  delete(key: number): void {
    this.entries.delete(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.entries.clear();
  }
}
