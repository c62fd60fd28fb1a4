/**
 * A cap on sends per second that holds back what is over it instead of refusing it: each send
 * gets the next free slot, one every 1 / cap seconds.
 */
export class SendPacing {
  private limit: number | null = null;
  private nextSlot = 0;

  /** Sets the cap (null: none) from `now` on; sends already held keep their slots. */
  set(perSecond: number | null, now: number): void {
    this.limit = perSecond;
    this.nextSlot = now;
  }

  /** When a send asked for at `now` may go: `now`, or a later slot under the cap. */
  slot(now: number): number {
    if (this.limit === null) return now;
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1 / this.limit;
    return slot;
  }
}
