import { checkNumber } from "../../engine/option-error.js";
import type { Call } from "../call.js";
import type { QueueDiscipline } from "./queue-discipline.js";
import { RingQueue } from "./ring-queue.js";

/** Options of CoDel. Seconds. */
export interface CodelOptions {
  /** Acceptable standing queue delay (> 0). Default: 0.005. */
  target?: number;
  /** Window the minimum delay must stay above `target` before dropping starts (> 0). Default: 0.1. */
  interval?: number;
}

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
  private readonly calls = new RingQueue<Call>();
  // Enqueue times in a ring parallel to `calls`, so the sojourn needs no per-call lookup.
  private readonly enqueuedAt = new RingQueue<number>();
  // RFC 8289 state; 0 for firstAboveTime means "not above target" (now + interval is always > 0).
  private firstAboveTime = 0;
  private dropping = false;
  private dropNext = 0;
  private count = 0;
  private lastCount = 0;
  /** Whether the call last taken by `dequeue` may be dropped. */
  private okToDrop = false;

  constructor(options: CodelOptions = {}) {
    this.target = checkNumber("target", options.target ?? 0.005, { min: 0, exclusiveMin: true });
    this.interval = checkNumber("interval", options.interval ?? 0.1, { min: 0, exclusiveMin: true });
    this.label = `codel(target ${this.target} s, interval ${this.interval} s)`;
  }

  get length(): number {
    return this.calls.length;
  }

  /** Whether the queue is shedding now. */
  get isDropping(): boolean {
    return this.dropping;
  }

  push(call: Call, now: number): void {
    this.calls.push(call);
    this.enqueuedAt.push(now);
  }

  take(now: number, shed: (call: Call) => void): Call | undefined {
    // The dequeue of RFC 8289 section 5.5; a "drop" is a call handed to `shed`.
    let call = this.dequeue(now);
    if (this.dropping) {
      if (!this.okToDrop) this.dropping = false;
      while (this.dropping && now >= this.dropNext) {
        this.drop(call!, shed);
        this.count++;
        call = this.dequeue(now);
        if (!this.okToDrop) this.dropping = false;
        else this.dropNext = this.controlLaw(this.dropNext);
      }
    } else if (this.okToDrop) {
      this.drop(call!, shed);
      call = this.dequeue(now);
      this.dropping = true;
      this.stats.droppingEntries++;
      // Re-entering soon after leaving resumes near the old drop rate instead of starting over.
      const delta = this.count - this.lastCount;
      this.count = delta > 1 && now - this.dropNext < 16 * this.interval ? delta : 1;
      this.dropNext = this.controlLaw(now);
      this.lastCount = this.count;
    }
    return call;
  }

  drain(): Call[] {
    const out: Call[] = [];
    for (let c = this.calls.shift(); c !== undefined; c = this.calls.shift()) out.push(c);
    this.enqueuedAt.clear();
    this.firstAboveTime = 0;
    this.dropping = false;
    return out;
  }

  private drop(call: Call, shed: (call: Call) => void): void {
    this.stats.drops++;
    shed(call);
  }

  private controlLaw(t: number): number {
    return t + this.interval / Math.sqrt(this.count);
  }

  /** Takes the oldest call and decides whether the delay it saw has stood above target for long. */
  private dequeue(now: number): Call | undefined {
    this.okToDrop = false;
    const call = this.calls.shift();
    if (call === undefined) {
      this.firstAboveTime = 0;
      return undefined;
    }
    const sojourn = now - this.enqueuedAt.shift()!;
    // An emptied queue is no standing queue (the RFC's "at most one packet left" test).
    if (sojourn < this.target || this.calls.length === 0) {
      this.firstAboveTime = 0;
    } else if (this.firstAboveTime === 0) {
      this.firstAboveTime = now + this.interval;
    } else if (now >= this.firstAboveTime) {
      this.okToDrop = true;
    }
    return call;
  }
}
