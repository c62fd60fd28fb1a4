import { describe, expect, it } from "vitest";
import { createDistribution } from "../../src/engine/distributions.js";
import { Simulation } from "../../src/engine/simulation.js";
import { Client } from "../../src/model/components/client.js";
import { Server } from "../../src/model/components/server.js";
import { Source } from "../../src/model/components/source.js";
import { checkExact, checkTheory, reportRows, seedsFrom, size } from "./replicate.js";
import { retryAmplification } from "./theory.js";

reportRows("retry");

/** How every attempt (or a fraction p of them) is made to fail. */
type Failure = "unreachable" | "full queue" | { errorRate: number };

const label = (f: Failure) =>
  typeof f === "string"
    ? f === "unreachable"
      ? "server unreachable (setReachable(false))"
      : "queueCapacity 0, worker held by one endless job"
    : `setErrorRate(${f.errorRate})`;

const LOAD_SECONDS = 200;
const TIMEOUT = 1;

/** Offers Poisson load to a client retrying up to R times with jittered backoff; counts once every request has ended. */
function run(seed: number, R: number, failure: Failure) {
  const sim = new Simulation({ seed });
  const server = new Server(sim, "server", {
    // The full-queue case: the first attempt occupies the only worker for longer than the run.
    serviceTime: createDistribution(
      failure === "full queue" ? { kind: "constant", value: 1e9 } : { kind: "exponential", mean: 0.01 },
    ),
    queueCapacity: failure === "full queue" ? 0 : Number.POSITIVE_INFINITY,
  });
  if (failure === "unreachable") server.setReachable(false);
  if (typeof failure === "object") server.setErrorRate(failure.errorRate);
  const backoff = { kind: "exponential" as const, base: 0.05, cap: 1, jitter: "full" as const };
  const client = new Client(sim, "client", server, { timeout: TIMEOUT, maxAttempts: 1 + R, backoff });
  new Source(sim, "users", client, { profile: { kind: "constant", rate: 5 } }, LOAD_SECONDS).start();
  // Every request has ended well before this: at most 1 + R timeouts and R capped backoffs.
  sim.run({ until: LOAD_SECONDS + (1 + R) * (TIMEOUT + 1) + 1 });
  return { client: client.stats, server: server.stats };
}

describe("retry amplification", () => {
  const seeds = seedsFrom(5000, size(3, 10));

  for (const R of size([2], [0, 1, 2, 4])) {
    it(`ceiling: with every attempt failing, maxAttempts ${1 + R} makes exactly ${1 + R} x requests attempts`, () => {
      for (const failure of ["unreachable", "full queue", { errorRate: 1 }] as Failure[]) {
        const runs = seeds.map((seed) => run(seed, R, failure));
        runs.forEach(({ client }, i) => {
          const where = `${label(failure)}, R = ${R}, seed ${seeds[i]}`;
          expect(client.requests, where).toBeGreaterThan(500);
          expect(client.inFlight, `${where}: requests still in flight`).toBe(0);
          expect(client.completions, where).toBe(0);
          expect(client.gaveUp, where).toBe(client.requests);
        });
        checkExact({
          group: "Retry amplification",
          check: `${label(failure)}, R = ${R}`,
          quantity: "attempts = (1 + R) × requests (sum over seeds)",
          expected: runs.map((r) => (1 + R) * r.client.requests),
          measured: runs.map((r) => r.client.attempts),
          seeds,
        });
      }
    });
  }

  // (failure probability p, retries R)
  const cases: [p: number, R: number][] = size(
    [[0.5, 2]],
    [
      [0.5, 2],
      [0.2, 4],
      [0.8, 4],
    ],
  );
  for (const [p, R] of cases) {
    it(`each attempt failing with probability ${p}, R = ${R}: attempts per request within the 95% CI`, () => {
      const runs = seeds.map((seed) => run(seed, R, { errorRate: p }));
      for (const [i, { client }] of runs.entries()) {
        expect(client.inFlight, `seed ${seeds[i]}: requests still in flight`).toBe(0);
        expect(client.timeouts, `seed ${seeds[i]}: a timeout would add attempts`).toBe(0);
      }
      checkTheory({
        group: "Retry amplification",
        check: `${label({ errorRate: p })}, R = ${R}`,
        quantity: "attempts per request, 1 + p + … + p^R",
        theory: retryAmplification(p, R),
        samples: runs.map((r) => r.client.attempts / r.client.requests),
        seeds,
        maxRelHalf: 0.05,
      });
    });
  }
});
