import { describe, it } from "vitest";
import { checkTheory, reportRows, runQueue, seedsFrom, size } from "./replicate.js";
import { md1Wait } from "./theory.js";

reportRows("md1");

const mu = 1;
const utilisations = size([0.7], [0.5, 0.7, 0.9]);
const seeds = seedsFrom(3000, size(10, 30));

describe("M/D/1 against Pollaczek–Khinchine", () => {
  for (const rho of utilisations) {
    it(`utilisation ${rho}: mean wait and time in system within the 95% CI`, () => {
      const lambda = rho * mu;
      const horizon = Math.max(20_000, 1000 / (1 - rho) ** 2);
      const reps = seeds.map((seed) =>
        runQueue({
          seed,
          lambda,
          service: { kind: "constant", value: 1 / mu },
          horizon,
          warmup: horizon / 20,
        }),
      );
      const common = { group: "M/D/1", check: `ρ = ${rho}`, seeds, maxRelHalf: 0.05 };
      const wq = md1Wait(lambda, mu);
      checkTheory({ ...common, quantity: "Wq, mean wait (s)", theory: wq, samples: reps.map((r) => r.wait) });
      checkTheory({
        ...common,
        quantity: "W = Wq + 1/μ (s)",
        theory: wq + 1 / mu,
        samples: reps.map((r) => r.timeInSystem),
      });
    });
  }
});
