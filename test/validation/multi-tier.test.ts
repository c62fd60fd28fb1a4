import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { createDistribution } from "../../src/engine/distributions.js";
import { Simulation } from "../../src/engine/simulation.js";
import { Client } from "../../src/model/client.js";
import { Source } from "../../src/model/load/source.js";
import { Server } from "../../src/model/server.js";
import { CallingService } from "../../src/model/service.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { checkTheory, reportRows, seedsFrom, size } from "./replicate.js";
import { tandemTimeInSystem } from "./theory.js";

reportRows("multi-tier");

/**
 * Two tiers, no retries: a non-blocking service (own work exponential at rate mu1, one worker)
 * whose work is followed by a call to a server (exponential at rate mu2, one worker). The front
 * frees its worker while the call is out, so the tiers are two M/M/1 queues in series. Returns
 * the mean end-to-end latency of requests that arrived in [warmup, horizon), all run to the end.
 */
function tandem(seed: number, lambda: number, mu1: number, mu2: number, horizon: number, warmup: number) {
  const sim = new Simulation({ seed });
  const back = new Server(sim, "back", {
    serviceTime: createDistribution({ kind: "exponential", mean: 1 / mu2 }),
  });
  const front = new CallingService(sim, "front", {
    blocking: false,
    steps: [
      { kind: "work", serviceTime: createDistribution({ kind: "exponential", mean: 1 / mu1 }) },
      { kind: "call", target: back, timeout: 1e9, maxAttempts: 1 },
    ],
  });
  const client = new Client(sim, "client", front, { timeout: 1e9, maxAttempts: 1 });
  let sum = 0;
  let n = 0;
  client.onCompletion((latency) => {
    if (sim.now - latency >= warmup) {
      sum += latency;
      n++;
    }
  });
  new Source(sim, "users", client, { profile: { kind: "constant", rate: lambda }, until: horizon }).start();
  sim.run();
  return sum / n;
}

describe("two tiers without retries against a tandem queue (Jackson network)", () => {
  const seeds = seedsFrom(7000, size(10, 20));
  // (lambda, mu1, mu2)
  const cases: [number, number, number][] = size(
    [[0.5, 1, 0.8]],
    [
      [0.5, 1, 0.8],
      [0.7, 1, 1],
      [0.3, 0.5, 2],
    ],
  );
  for (const [lambda, mu1, mu2] of cases) {
    it(`λ = ${lambda}, μ1 = ${mu1}, μ2 = ${mu2}: mean end-to-end time is Σ 1 / (μi − λ)`, () => {
      const rho = lambda / Math.min(mu1, mu2);
      const horizon = Math.max(20_000, 1000 / (1 - rho) ** 2);
      checkTheory({
        group: "Multi-tier",
        check: `tandem, λ = ${lambda}, μ1 = ${mu1}, μ2 = ${mu2}`,
        quantity: "W, mean end-to-end time (s)",
        theory: tandemTimeInSystem(lambda, [mu1, mu2]),
        samples: seeds.map((seed) => tandem(seed, lambda, mu1, mu2, horizon, horizon / 20)),
        seeds,
        maxRelHalf: 0.05,
      });
    });
  }
});

describe("a stuck multi-tier storm against the fluid estimate", () => {
  it("queries at the bottom per request = the product of the attempts, 3 x 3 x 3 = 27", () => {
    // multi-tier-retry-storm held at 20 req/s for 250 s: once stuck, every attempt at every layer
    // fails, so each layer multiplies the calls reaching the next by its attempts. Measured over
    // the steady stuck stretch [100, 240) s, well after the spike's own backlog has passed.
    const path = join(import.meta.dirname, "..", "..", "scenarios", "multi-tier-retry-storm.yaml");
    const parsed = parseScenarioText(readFileSync(path, "utf8"), path);
    parsed.spec.duration = 250;
    const seeds = seedsFrom(1, size(3, 10));
    const samples = seeds.map((seed) => {
      const model = buildModel(parsed, seed);
      model.faults.start();
      for (const c of model.components) c.start?.();
      const count = () => ({
        requests: model.clients[0]!.stats.requests,
        queries: (model.components.find((c) => c.name === "db-pool")!.stats as { received: number }).received,
      });
      model.sim.run({ until: 100 });
      const a = count();
      model.sim.run({ until: 240 });
      const b = count();
      return (b.queries - a.queries) / (b.requests - a.requests);
    });
    checkTheory({
      group: "Multi-tier",
      check: "multi-tier-retry-storm, 3 layers × 3 attempts, stuck",
      quantity: "queries at the pool per request",
      theory: 27,
      samples,
      seeds,
      maxRelHalf: 0.01,
    });
  });
});
