import { describe, expect, it } from "vitest";
import { createDistribution } from "../../src/engine/distributions.js";
import { Simulation } from "../../src/engine/simulation.js";
import type { Call } from "../../src/model/call.js";
import { Source } from "../../src/model/load/source.js";
import { Server } from "../../src/model/server.js";

// Two-sided 95% Student-t quantiles by degrees of freedom.
const T95: Record<number, number> = { 19: 2.093, 29: 2.045 };

interface Replication {
  meanTimeInSystem: number;
  meanNumberInSystem: number;
}

/** One M/M/1 replication: Poisson(lambda) arrivals, exponential(1/mu) service, warm-up discarded. */
function replicate(seed: number, lambda: number, mu: number, horizon: number, warmup: number): Replication {
  const sim = new Simulation({ seed });
  const server = new Server(sim, "server", {
    serviceTime: createDistribution({ kind: "exponential", mean: 1 / mu }),
  });
  let inSystem = 0;
  let area = 0;
  let lastChange = warmup;
  let sojournSum = 0;
  let sojournCount = 0;
  // Exact time-average of N(t) over [warmup, horizon]: integrate between changes.
  const change = (delta: number) => {
    const now = sim.now;
    if (now > warmup) area += inSystem * (now - Math.max(lastChange, warmup));
    lastChange = now;
    inSystem += delta;
  };
  const sink = {
    name: "sink",
    request() {
      const arrivedAt = sim.now;
      change(+1);
      const call: Call = {
        id: 0,
        deadline: Number.POSITIVE_INFINITY,
        reply() {
          change(-1);
          if (arrivedAt >= warmup) {
            sojournSum += sim.now - arrivedAt;
            sojournCount++;
          }
          return true;
        },
      };
      server.accept(call);
    },
  };
  new Source(sim, "arrivals", sink, {
    profile: { kind: "constant", rate: lambda },
    arrivals: "poisson",
  }).start();
  sim.run({ until: horizon });
  change(0);
  return { meanTimeInSystem: sojournSum / sojournCount, meanNumberInSystem: area / (horizon - warmup) };
}

function interval(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, half: (T95[n - 1]! * sd) / Math.sqrt(n) };
}

describe("M/M/1 against queueing theory", () => {
  for (const rho of [0.5, 0.8]) {
    it(`utilisation ${rho}: mean time and number in system within the 95% CI of theory`, () => {
      const mu = 1;
      const lambda = rho * mu;
      const reps = Array.from({ length: 20 }, (_, i) => replicate(1000 + i, lambda, mu, 20_000, 1_000));
      const w = interval(reps.map((r) => r.meanTimeInSystem));
      const l = interval(reps.map((r) => r.meanNumberInSystem));
      const W = 1 / (mu - lambda);
      const L = rho / (1 - rho);
      expect(Math.abs(w.mean - W), `W=${w.mean}±${w.half}, theory ${W}`).toBeLessThanOrEqual(w.half);
      expect(Math.abs(l.mean - L), `L=${l.mean}±${l.half}, theory ${L}`).toBeLessThanOrEqual(l.half);
      // The interval must be informative, not so wide that anything passes.
      expect(w.half / W).toBeLessThan(0.05);
    });
  }
});
