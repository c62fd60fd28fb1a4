import { RingQueue } from "../queue/ring-queue.js";

/** A request sent through the client, stamped when it went out. */
export interface SentRequest {
  sentAt: number;
}

/**
 * Requests sent through a client that reports each completion and give-up but not which request
 * it ended: each ending is credited to the oldest request still outstanding. Where the requests'
 * owners are interchangeable the counts are exact; only which owner gets the credit may differ
 * from a per-request answer. Keeps the answers' latency as a moving average over roughly the last
 * ten.
 */
export class OutstandingRequests<T extends SentRequest> {
  private readonly queue = new RingQueue<T>();
  private latencyAverage: number | null = null;
  private seenGaveUp = 0;

  /** Requests sent and not yet ended. */
  get length(): number {
    return this.queue.length;
  }

  /** A request goes out at `now`. */
  sent(request: T, now: number): void {
    request.sentAt = now;
    this.queue.push(request);
  }

  /** The client completed a request at `now`: the oldest outstanding, or undefined when there is none. */
  completed(now: number): T | undefined {
    const request = this.queue.shift();
    if (request === undefined) return undefined;
    const latency = now - request.sentAt;
    this.latencyAverage =
      this.latencyAverage === null ? latency : this.latencyAverage + 0.1 * (latency - this.latencyAverage);
    return request;
  }

  /**
   * Credits the give-ups the client counted (`gaveUp`, its running total) since the last call to
   * the oldest outstanding requests, each handed to `each` (undefined: none was outstanding).
   */
  settleGiveUps(gaveUp: number, each: (request: T | undefined) => void): void {
    while (this.seenGaveUp < gaveUp) {
      this.seenGaveUp++;
      each(this.queue.shift());
    }
  }

  /**
   * Latency at `now`: the recent average, or the age of the oldest unanswered request when that is
   * longer (in a collapse, answers stop coming and an average of past answers would look calm).
   * 0 before any request.
   */
  latency(now: number): number {
    const oldest = this.queue.peek();
    const waiting = oldest === undefined ? 0 : now - oldest.sentAt;
    return Math.max(this.latencyAverage ?? 0, waiting);
  }
}
