import { describe, expect, it } from "vitest";
import { attemptFlow, attemptRate, goodput, loadFor } from "../../src/fluid/client-flow.js";
import type { QueueState } from "../../src/fluid/queue-model.js";
import { fluidClient } from "./fluid-client.js";

const client = fluidClient;

/** A queue where an attempt is late past t with probability p(t). */
const queue = (late: (t: number) => number, rejected = 0): QueueState => ({
  offered: 1,
  inSystem: 1,
  served: 1,
  rejected,
  expired: 0,
  late,
});

describe("attemptFlow", () => {
  it("sends 1 + p + ... + p^(K-1) attempts when each fails independently with p", () => {
    const f = attemptFlow(
      client(),
      queue(() => 0.3),
    );
    expect(f.attemptsPerRequest).toBeCloseTo((1 - 0.3 ** 4) / 0.7, 12);
    expect(f.failure).toBeCloseTo(0.3 ** 4, 12);
  });

  it("sends one attempt when timeouts are not retried, and fails as often as attempts time out", () => {
    const f = attemptFlow(
      client({ retryOnTimeout: false }),
      queue(() => 0.3),
    );
    expect(f.attemptsPerRequest).toBe(1);
    expect(f.failure).toBeCloseTo(0.3, 12);
  });

  it("retries less when a late answer can still end the request", () => {
    const late = (t: number) => Math.exp(-2 * t);
    const plain = attemptFlow(client(), queue(late));
    const accepting = attemptFlow(client({ acceptLateResponses: true }), queue(late));
    // Retry 2 needs attempt 1 still unanswered at 2τ as well: p(τ) p(2τ).
    const p = late(1);
    expect(accepting.attemptsPerRequest).toBeCloseTo(1 + p + p * late(2) + p * late(2) * late(3), 12);
    expect(accepting.attemptsPerRequest).toBeLessThan(plain.attemptsPerRequest);
  });
});

describe("retry budget", () => {
  const budgeted = client({ retryBudget: { ratio: 0.1, minPerSecond: 1 } });

  it("caps attempts at (1 + ratio) x load + minPerSecond", () => {
    expect(attemptRate(budgeted, 4, 10)).toBeCloseTo(12, 12);
    expect(attemptRate(budgeted, 1.05, 10)).toBeCloseTo(10.5, 12);
  });

  it("loadFor inverts attemptRate", () => {
    for (const attempts of [1.05, 2, 4]) {
      for (const load of [0.5, 3, 20]) {
        const x = attemptRate(budgeted, attempts, load);
        expect(loadFor(budgeted, attempts, x)).toBeCloseTo(load, 9);
      }
    }
  });

  it("counts at most one ok answer per request under the cap", () => {
    const f = attemptFlow(
      budgeted,
      queue(() => 0.9),
    );
    expect(goodput(budgeted, f, 10)).toBeLessThanOrEqual(10);
    expect(goodput(budgeted, f, 10)).toBeCloseTo(attemptRate(budgeted, f.attemptsPerRequest, 10) * 0.1, 9);
  });
});
