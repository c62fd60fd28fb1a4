/**
 * Per-call records of a component that sends or forwards calls (a balancer, a pool, a health
 * check), indexed by the token it gives the service. Records are recycled, so a steady load
 * allocates nothing; a token stays valid until its owner releases it, which it does only once
 * the service has answered (every accepted call is answered once, "lost" included) and no event
 * of its own still refers to the token.
 */
export class RecordTable<T> {
  private readonly records: T[] = [];
  private readonly free: number[] = [];

  constructor(
    private readonly create: () => T,
    /** Lets go of what a released record referenced, so it keeps no removed component alive. */
    private readonly clear: (record: T) => void,
  ) {}

  /** Records made so far. */
  get size(): number {
    return this.records.length;
  }

  /** Records taken and not yet released. */
  get inUse(): number {
    return this.records.length - this.free.length;
  }

  /** Takes a free record (a new one when none is free) and returns its token. */
  take(): number {
    if (this.free.length > 0) return this.free.pop()!;
    return this.records.push(this.create()) - 1;
  }

  /** The record of `token`. */
  get(token: number): T {
    return this.records[token]!;
  }

  /** Puts the record of `token` back for reuse. */
  release(token: number): void {
    this.clear(this.records[token]!);
    this.free.push(token);
  }
}
