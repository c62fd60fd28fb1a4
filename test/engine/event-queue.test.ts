import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/engine/event-queue.js";
import { createStream } from "../../src/engine/random.js";

describe("EventQueue", () => {
  it("pops in time order, ties in insertion order", () => {
    const q = new EventQueue(2);
    const times = [5, 1, 3, 1, 5, 0, 3, 1];
    times.forEach((t, slot) => {
      q.push(t, slot);
    });
    const order: number[] = [];
    while (q.size > 0) order.push(q.pop());
    expect(order).toEqual([5, 1, 3, 7, 2, 6, 0, 4]);
  });

  it("matches a sort by (time, sequence) on random input, growing as needed", () => {
    const rng = createStream(7, "heap");
    const q = new EventQueue(1);
    const ref: [number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rng.next() * 100);
      q.push(t, i);
      ref.push([t, i]);
    }
    ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const got: number[] = [];
    while (q.size > 0) got.push(q.pop());
    expect(got).toEqual(ref.map((r) => r[1]));
  });

  it("interleaves pushes and pops correctly", () => {
    const q = new EventQueue();
    q.push(10, 1);
    q.push(2, 2);
    expect(q.peekTime()).toBe(2);
    expect(q.pop()).toBe(2);
    q.push(1, 3);
    q.push(10, 4);
    expect([q.pop(), q.pop(), q.pop()]).toEqual([3, 1, 4]);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it("retain keeps the pop order of the entries it keeps", () => {
    const rng = createStream(3, "retain");
    const q = new EventQueue(4);
    const ref: [number, number][] = [];
    for (let i = 0; i < 3000; i++) {
      const t = Math.floor(rng.next() * 50);
      q.push(t, i);
      if (i % 3 !== 0) ref.push([t, i]);
    }
    q.retain((slot) => slot % 3 !== 0);
    expect(q.size).toBe(ref.length);
    ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const got: number[] = [];
    while (q.size > 0) got.push(q.pop());
    expect(got).toEqual(ref.map((r) => r[1]));
  });
});
