import { describe, expect, it } from "vitest";
import { BoundedQueueModel } from "../../src/fluid/bounded-queue-model.js";
import { ExpiringQueueModel } from "../../src/fluid/expiring-queue-model.js";
import { FifoQueueModel } from "../../src/fluid/fifo-queue-model.js";

describe("FifoQueueModel", () => {
  const mm1 = new FifoQueueModel(1, 10, 1);

  it("holds ρ / (1 - ρ) calls at an M/M/1 queue and serves what it is offered", () => {
    const s = mm1.at(7);
    expect(s.inSystem).toBeCloseTo(0.7 / 0.3, 10);
    expect(s.served).toBe(7);
    expect(s.rejected).toBe(0);
  });

  it("has the M/M/1 response time: exponential with rate μ - λ", () => {
    expect(mm1.at(7).late(0.5)).toBeCloseTo(Math.exp(-3 * 0.5), 12);
  });

  it("matches Erlang C for M/M/c: L = λ (C / (cμ - λ) + 1/μ)", () => {
    const s = new FifoQueueModel(4, 1, 1).at(2.8);
    expect(s.inSystem).toBeCloseTo(2.8 * (0.4287 / 1.2 + 1), 3);
  });

  it("says which formula it uses", () => {
    expect(mm1.approximation).toMatch(/exact M\/M\/c/);
    expect(new FifoQueueModel(1, 10, 0).approximation).toMatch(/Allen-Cunneen/);
  });

  it("queues less with constant service (Allen-Cunneen halves the M/M/1 wait)", () => {
    const md1 = new FifoQueueModel(1, 1, 0).at(0.5);
    // M/D/1 at ρ = 0.5: Wq = 0.5 (exact, as in docs/validation.md), L = λ (Wq + 1).
    expect(md1.inSystem).toBeCloseTo(0.5 * 1.5, 10);
  });
});

describe("BoundedQueueModel", () => {
  it("refuses the M/M/1/K share of arrivals (P_K as in docs/validation.md)", () => {
    const q = new BoundedQueueModel(1, 1, 4, true);
    expect(q.at(0.9).rejected).toBeCloseTo(0.126, 3);
    expect(q.at(1.2).rejected).toBeCloseTo(0.2506, 3);
  });

  it("approaches the unbounded queue when the bound is far away", () => {
    const bounded = new BoundedQueueModel(2, 5, 2000, true).at(8);
    const free = new FifoQueueModel(2, 5, 1).at(8);
    expect(bounded.inSystem).toBeCloseTo(free.inSystem, 6);
    for (const t of [0.1, 0.5, 2]) expect(bounded.late(t)).toBeCloseTo(free.late(t), 6);
  });

  it("never holds more than its capacity and serves at most c μ", () => {
    const s = new BoundedQueueModel(1, 10, 100, true).at(1000);
    expect(s.inSystem).toBeLessThanOrEqual(101);
    expect(s.served).toBeLessThanOrEqual(10);
    expect(s.late(4)).toBeCloseTo(1, 6);
  });
});

describe("ExpiringQueueModel", () => {
  it("is the unbounded FIFO queue when the patience never runs out", () => {
    const expiring = new ExpiringQueueModel(3, 2, 1e6, true).at(4);
    const free = new FifoQueueModel(3, 2, 1).at(4);
    expect(expiring.expired).toBeCloseTo(0, 10);
    expect(expiring.inSystem).toBeCloseTo(free.inSystem, 6);
    for (const t of [0.2, 1, 3]) expect(expiring.late(t)).toBeCloseTo(free.late(t), 6);
  });

  it("drops the excess in overload and keeps its work at capacity", () => {
    const s = new ExpiringQueueModel(1, 10, 0.5, true).at(30);
    expect(s.served).toBeLessThanOrEqual(10);
    expect(s.served).toBeGreaterThan(9);
    expect(s.expired).toBeCloseTo(1 - s.served / 30, 10);
    // Nobody waits much past the patience (an expired call leaves when the server reaches it), so
    // by Little's law the line holds about x (τ + 1/(cμ)) calls, plus the one in service.
    expect(s.inSystem).toBeGreaterThan(30 * 0.5);
    expect(s.inSystem).toBeLessThan(30 * (0.5 + 0.1) + 1);
  });

  it("has probabilities that add up: late(t) falls from 1 towards the expired share", () => {
    const s = new ExpiringQueueModel(2, 5, 0.4, true).at(12);
    expect(s.late(0)).toBe(1);
    expect(s.late(0.1)).toBeGreaterThan(s.late(0.5));
    expect(s.late(100)).toBeCloseTo(s.expired, 8);
  });
});
