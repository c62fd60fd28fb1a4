import { describe, expect, it } from "vitest";
import type { Caller } from "../../src/model/call.js";
import { CallQueue, HeldCall } from "../../src/model/queue/call-queue.js";

const callers: Caller[] = [0, 1, 2].map(() => ({ reply: () => true, requestOf: () => -1 }));

describe("CallQueue", () => {
  it("matches an array of calls used as a deque across block boundaries", () => {
    const q = new CallQueue();
    const ref: { caller: Caller; token: number; deadline: number; arrivedAt: number }[] = [];
    const held = new HeldCall();
    let longest = 0;
    // A deterministic walk that grows to a few thousand calls, shrinks to empty and grows again.
    let x = 1;
    for (let i = 0; i < 40_000; i++) {
      x = (x * 48271) % 2147483647;
      const growing = Math.floor(i / 5000) % 2 === 0;
      const op = x % 10;
      if (op < (growing ? 8 : 3)) {
        const call = { caller: callers[i % 3]!, token: i * 2 ** 30 + 7, deadline: i / 3, arrivedAt: i / 7 };
        q.push(call.caller, call.token, call.deadline, call.arrivedAt);
        ref.push(call);
      } else {
        const expected = op % 2 === 0 ? ref.shift() : ref.pop();
        const got = op % 2 === 0 ? q.shift(held) : q.pop(held);
        expect(got).toBe(expected !== undefined);
        if (expected !== undefined) expect({ ...held }).toEqual(expected);
      }
      expect(q.length).toBe(ref.length);
      expect(q.headArrivedAt()).toBe(ref[0]?.arrivedAt);
      longest = Math.max(longest, ref.length);
    }
    expect(longest).toBeGreaterThan(2000);
  });

  it("drains oldest first into another queue, and leaves the held call alone when empty", () => {
    const q = new CallQueue();
    for (let i = 0; i < 3000; i++) q.push(callers[0]!, i, Number.POSITIVE_INFINITY, 0);
    const into = new CallQueue();
    q.drainInto(into);
    expect(q.length).toBe(0);
    const held = new HeldCall();
    const tokens: number[] = [];
    while (into.shift(held)) tokens.push(held.token);
    expect(tokens).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(held.token).toBe(2999);
    expect(q.pop(held)).toBe(false);
    expect(held.token).toBe(2999);
  });
});
