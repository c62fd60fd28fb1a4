import { describe, expect, it } from "vitest";
import type { ClientFlowOptions } from "../../src/fluid/client-flow.js";
import { FluidDynamics } from "../../src/fluid/dynamics.js";
import { bistableBand, equilibriaAt, stuckLoad } from "../../src/fluid/equilibria.js";
import { FifoQueueModel } from "../../src/fluid/fifo-queue-model.js";
import { fluidClient } from "./fluid-client.js";

const client = (timeout: number, maxAttempts: number, o: Partial<ClientFlowOptions> = {}) =>
  fluidClient({ timeout, maxAttempts, ...o });

/**
 * The healthy branch's fold worked out independently: at an M/M/1 queue with Poisson attempts at
 * rate x an attempt times out with p = e^{-(μ - x) τ}, a request makes (1 - p^K) / (1 - p)
 * attempts, so the load that sustains x is x (1 - p) / (1 - p^K); the fold is its maximum.
 */
function foldByScan(mu: number, tau: number, k: number): number {
  let best = 0;
  for (let i = 1; i < 200_000; i++) {
    const x = (mu * i) / 200_000;
    const p = Math.exp(-(mu - x) * tau);
    best = Math.max(best, (x * (1 - p)) / (1 - p ** k));
  }
  return best;
}

describe("bistableBand (retry-storm family: μ = 10, one server, no backoff)", () => {
  for (const tau of [0.5, 1, 2]) {
    for (const k of [2, 3, 4, 5]) {
      it(`timeout ${tau} s, ${k} attempts: low = μ / K, high = the fold`, () => {
        const dyn = new FluidDynamics(new FifoQueueModel(1, 10, 1), client(tau, k));
        const band = bistableBand(dyn);
        expect(band.low).toBeCloseTo(10 / k, 6);
        expect(band.high).toBeCloseTo(foldByScan(10, tau, k), 4);
      });
    }
  }

  it("has no band without retries: healthy below capacity, a growing queue above it", () => {
    const dyn = new FluidDynamics(new FifoQueueModel(1, 10, 1), client(0.5, 1));
    const band = bistableBand(dyn);
    expect(band.low).toBeCloseTo(10, 6);
    expect(band.high).toBeCloseTo(10, 6);
  });

  it("moves the recovery edge up with a retry budget", () => {
    const budget = client(0.5, 5, { retryBudget: { ratio: 0.1, minPerSecond: 1 } });
    const dyn = new FluidDynamics(new FifoQueueModel(1, 10, 1), budget);
    // Every attempt late: 1.1 x load + 1 attempts per second fill the capacity at 9 / 1.1.
    expect(stuckLoad(dyn)).toBeCloseTo(9 / 1.1, 6);
  });
});

describe("equilibriaAt", () => {
  const dyn = new FluidDynamics(new FifoQueueModel(1, 10, 1), client(0.5, 5));

  it("inside the band: a stable healthy state, a saddle and the stuck state", () => {
    const eqs = equilibriaAt(dyn, 4);
    expect(eqs.map((e) => e.kind)).toEqual(["healthy", "saddle", "stuck"]);
    const [healthy, saddle, stuck] = eqs;
    expect(healthy!.eigenvalues!.every((v) => v.re < 0)).toBe(true);
    expect(saddle!.eigenvalues!.filter((v) => v.re > 0)).toHaveLength(1);
    expect(saddle!.queue!).toBeGreaterThan(healthy!.queue!);
    expect(stuck!.queue).toBeNull();
    expect(stuck!.queueGrowth).toBeCloseTo(5 * 4 - 10, 9);
    // An equilibrium serves what is sent: load x attempts per request.
    expect(healthy!.throughput).toBeCloseTo(healthy!.attempts, 6);
    expect(healthy!.goodput).toBeCloseTo(4 * (1 - healthy!.timeoutProbability ** 5), 6);
  });

  it("below the band only the healthy state, above it only the stuck one", () => {
    expect(equilibriaAt(dyn, 1.5).map((e) => e.kind)).toEqual(["healthy"]);
    expect(equilibriaAt(dyn, 6).map((e) => e.kind)).toEqual(["stuck"]);
  });

  it("puts the healthy state where M/M/1 puts it: λ A = x, L = x / (μ - x)", () => {
    const healthy = equilibriaAt(dyn, 2)[0]!;
    const x = healthy.attempts;
    expect(healthy.queue!).toBeCloseTo(x / (10 - x), 6);
    expect(healthy.timeoutProbability).toBeCloseTo(Math.exp(-(10 - x) * 0.5), 6);
  });
});
