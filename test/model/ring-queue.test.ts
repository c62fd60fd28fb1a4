import { describe, expect, it } from "vitest";
import { RingQueue } from "../../src/model/queue/ring-queue.js";

describe("RingQueue", () => {
  it("matches an array used as a deque across block boundaries", () => {
    const q = new RingQueue<number>();
    const ref: number[] = [];
    let longest = 0;
    // A deterministic walk that grows to a few thousand items, shrinks to empty and grows again.
    let x = 1;
    for (let i = 0; i < 40_000; i++) {
      x = (x * 48271) % 2147483647;
      const growing = Math.floor(i / 5000) % 2 === 0;
      const op = x % 10;
      if (op < (growing ? 8 : 3)) {
        q.push(i);
        ref.push(i);
      } else if (op % 2 === 0) {
        expect(q.shift()).toBe(ref.shift());
      } else {
        expect(q.pop()).toBe(ref.pop());
      }
      expect(q.length).toBe(ref.length);
      expect(q.peek()).toBe(ref[0]);
      longest = Math.max(longest, ref.length);
    }
    expect(longest).toBeGreaterThan(2000);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    q.push(7);
    expect(q.pop()).toBe(7);
  });
});
