import { describe, it } from "vitest";
import { checkTheory, reportRows, runQueue, seedsFrom, size } from "./replicate.js";
import { mm1NumberInSystem, mm1TimeInSystem } from "./theory.js";

reportRows("mm1");

const mu = 1;
const utilisations = size([0.5, 0.8], [0.5, 0.7, 0.8, 0.9]);
const seeds = seedsFrom(1000, size(20, 30));

describe("M/M/1 against queueing theory", () => {
  for (const rho of utilisations) {
    it(`utilisation ${rho}: mean time and number in system within the 95% CI of theory`, () => {
      const lambda = rho * mu;
      // Long enough that the interval is a few percent wide even near saturation.
      const horizon = Math.max(20_000, 1000 / (1 - rho) ** 2);
      const reps = seeds.map((seed) =>
        runQueue({
          seed,
          lambda,
          service: { kind: "exponential", mean: 1 / mu },
          horizon,
          warmup: horizon / 20,
        }),
      );
      const common = { group: "M/M/1", check: `ρ = ${rho}`, seeds, maxRelHalf: 0.05 };
      checkTheory({
        ...common,
        quantity: "W, mean time in system (s)",
        theory: mm1TimeInSystem(lambda, mu),
        samples: reps.map((r) => r.timeInSystem),
      });
      checkTheory({
        ...common,
        quantity: "L, mean number in system",
        theory: mm1NumberInSystem(lambda, mu),
        samples: reps.map((r) => r.numberInSystem),
      });
    });
  }
});
