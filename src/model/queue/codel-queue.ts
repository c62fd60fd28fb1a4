import type { Caller } from "../call.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { CallQueue, type HeldCall } from "./call-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** Options of CoDel. Seconds. */
export const CODEL_OPTIONS = {
  target: option.number({
    doc: "Acceptable standing queue delay.",
    default: 0.005,
    min: 0,
    exclusiveMin: true,
  }),
  interval: option.number({
    doc: "Window the minimum delay must stay above `target` before dropping starts.",
    default: 0.1,
    min: 0,
    exclusiveMin: true,
  }),
} as const;

/** Options of CoDel, as its constructor takes them. */
export type CodelOptions = OptionsInput<typeof CODEL_OPTIONS>;

/** Counters a CoDel queue keeps. */
export interface CodelStats {
  /** Calls shed. */
  drops: number;
  /** Times the queue entered the dropping state. */
  droppingEntries: number;
}

/**
 * Controlled Delay (RFC 8289) on calls: FIFO, but when the time calls have waited (their sojourn,
 * measured as they are taken) stays above `target` for a whole `interval`, it sheds calls at
 * spacings of interval / sqrt(drops so far), until a taken call has waited less than `target`.
 * A short burst that drains within `interval` is never shed; a standing queue is.
 */
export class CodelQueue implements QueueDiscipline {
  readonly label: string;
  readonly target: number;
  readonly interval: number;
  readonly stats: CodelStats = { drops: 0, droppingEntries: 0 };
  private readonly calls = new CallQueue();
  // RFC 8289 state; 0 for firstAboveTime means "not above target" (now + interval is always > 0).
  private firstAboveTime = 0;
  private dropping = false;
  private dropNext = 0;
  private count = 0;
  private lastCount = 0;
  /** Whether the call last taken by `dequeue` may be dropped. */
  private okToDrop = false;

  constructor(options: CodelOptions = {}) {
    const o = readOptions(CODEL_OPTIONS, options);
    this.target = o.target;
    this.interval = o.interval;
    this.label = `codel(target ${this.target} s, interval ${this.interval} s)`;
  }

  get length(): number {
    return this.calls.length;
  }

  /** Whether the queue is shedding now. */
  get isDropping(): boolean {
    return this.dropping;
  }

  push(caller: Caller, token: number, deadline: number, now: number): void {
    this.calls.push(caller, token, deadline, now);
  }

  take(now: number, out: HeldCall, shed: CallQueue): boolean {
    // The dequeue of RFC 8289 section 5.5; a "drop" is a call moved to `shed`.
    let got = this.dequeue(now, out);
    if (this.dropping) {
      if (!this.okToDrop) this.dropping = false;
      while (this.dropping && now >= this.dropNext) {
        this.drop(out, shed);
        this.count++;
        got = this.dequeue(now, out);
        if (!this.okToDrop) this.dropping = false;
        else this.dropNext = this.controlLaw(this.dropNext);
      }
    } else if (this.okToDrop) {
      this.drop(out, shed);
      got = this.dequeue(now, out);
      this.dropping = true;
      this.stats.droppingEntries++;
      // Re-entering soon after leaving resumes near the old drop rate instead of starting over.
      const delta = this.count - this.lastCount;
      this.count = delta > 1 && now - this.dropNext < 16 * this.interval ? delta : 1;
      this.dropNext = this.controlLaw(now);
      this.lastCount = this.count;
    }
    return got;
  }

  drain(into: CallQueue): void {
    this.calls.drainInto(into);
    this.firstAboveTime = 0;
    this.dropping = false;
  }

  private drop(call: HeldCall, shed: CallQueue): void {
    this.stats.drops++;
    shed.pushHeld(call);
  }

  private controlLaw(t: number): number {
    return t + this.interval / Math.sqrt(this.count);
  }

  /** Takes the oldest call and decides whether the delay it saw has stood above target for long. */
  private dequeue(now: number, out: HeldCall): boolean {
    this.okToDrop = false;
    if (!this.calls.shift(out)) {
      this.firstAboveTime = 0;
      return false;
    }
    const sojourn = now - out.arrivedAt;
    // An emptied queue is no standing queue (the RFC's "at most one packet left" test).
    if (sojourn < this.target || this.calls.length === 0) {
      this.firstAboveTime = 0;
    } else if (this.firstAboveTime === 0) {
      this.firstAboveTime = now + this.interval;
    } else if (now >= this.firstAboveTime) {
      this.okToDrop = true;
    }
    return true;
  }
}
