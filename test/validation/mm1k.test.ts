import { describe, it } from "vitest";
import { checkTheory, reportRows, runQueue, seedsFrom, size } from "./replicate.js";
import { mm1kBlocking } from "./theory.js";

reportRows("mm1k");

const mu = 1;
// K calls in the system at most: one in service and K - 1 waiting places.
const K = 5;
const utilisations = size([0.9], [0.5, 0.7, 0.9, 1.2]);
const seeds = seedsFrom(4000, size(10, 30));

describe("M/M/1/K blocking against theory", () => {
  for (const rho of utilisations) {
    it(`K = ${K}, utilisation ${rho}: fraction of arrivals rejected within the 95% CI`, () => {
      const lambda = rho * mu;
      const reps = seeds.map((seed) =>
        runQueue({
          seed,
          lambda,
          service: { kind: "exponential", mean: 1 / mu },
          queueCapacity: K - 1,
          horizon: 20_000,
          warmup: 100,
        }),
      );
      checkTheory({
        group: "M/M/1/K",
        check: `K = ${K} (queueCapacity ${K - 1}), ρ = ${rho}`,
        quantity: "P_K, fraction rejected",
        theory: mm1kBlocking(lambda, mu, K),
        samples: reps.map((r) => r.blocking),
        seeds,
        maxRelHalf: 0.05,
      });
    });
  }
});
