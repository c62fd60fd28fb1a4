/**
 * Share of lookups answered from the cache over the last one to two seconds of simulated time
 * (the current second and the one before it), so the gauge follows a flush within a second.
 */
export class HitRateWindow {
  private start = 0;
  private cached = 0;
  private lookups = 0;
  private previousCached = 0;
  private previousLookups = 0;

  /** Counts one lookup at `now`; `cached` when it was answered from the cache. */
  record(now: number, cached: boolean): void {
    this.roll(now);
    this.lookups++;
    if (cached) this.cached++;
  }

  /** The hit rate at `now` (0 when nothing was looked up in the window). */
  rate(now: number): number {
    this.roll(now);
    const lookups = this.lookups + this.previousLookups;
    return lookups > 0 ? (this.cached + this.previousCached) / lookups : 0;
  }

  private roll(now: number): void {
    if (now < this.start + 1) return;
    const gap = Math.floor(now - this.start);
    this.previousCached = gap === 1 ? this.cached : 0;
    this.previousLookups = gap === 1 ? this.lookups : 0;
    this.cached = 0;
    this.lookups = 0;
    this.start += gap;
  }
}
