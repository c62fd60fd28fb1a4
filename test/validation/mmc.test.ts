import { describe, it } from "vitest";
import { checkTheory, reportRows, runQueue, seedsFrom, size } from "./replicate.js";
import { erlangC, mmcWait } from "./theory.js";

reportRows("mmc");

const mu = 1;
const utilisations = size([0.7], [0.5, 0.7, 0.9]);
const seeds = seedsFrom(2000, size(10, 30));

describe("M/M/c against queueing theory (Erlang C)", () => {
  for (const c of [2, 4]) {
    for (const rho of utilisations) {
      it(`c = ${c}, utilisation ${rho}: probability of waiting and mean wait within the 95% CI`, () => {
        const lambda = rho * c * mu;
        // c workers relax about c times faster than one, so the run can be shorter for the same precision.
        const horizon = (2 / c) * Math.max(20_000, 1000 / (1 - rho) ** 2);
        const reps = seeds.map((seed) =>
          runQueue({
            seed,
            lambda,
            service: { kind: "exponential", mean: 1 / mu },
            concurrency: c,
            horizon,
            warmup: horizon / 20,
          }),
        );
        const common = { group: "M/M/c", check: `c = ${c}, ρ = ${rho}`, seeds, maxRelHalf: 0.05 };
        checkTheory({
          ...common,
          quantity: "C(c, a), probability of waiting",
          theory: erlangC(c, lambda / mu),
          samples: reps.map((r) => r.waitProbability),
        });
        checkTheory({
          ...common,
          quantity: "Wq, mean wait (s)",
          theory: mmcWait(c, lambda, mu),
          samples: reps.map((r) => r.wait),
        });
      });
    }
  }
});
