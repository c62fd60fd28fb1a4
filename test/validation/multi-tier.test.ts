import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { createDistribution } from "../../src/engine/distributions.js";
import { Simulation } from "../../src/engine/simulation.js";
import type { Service } from "../../src/model/call.js";
import { Client } from "../../src/model/components/client.js";
import { Server } from "../../src/model/components/server.js";
import { CallingService } from "../../src/model/components/service.js";
import { Source } from "../../src/model/components/source.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { checkExact, checkTheory, reportRows, seedsFrom, size } from "./replicate.js";
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
  new Source(sim, "users", client, { profile: { kind: "constant", rate: lambda } }, horizon).start();
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
    // multi-tier-retry-storm held at 20 req/s: once stuck, every attempt at every layer fails, so
    // each layer multiplies the calls reaching the next by its attempts. Every query carries the
    // request it serves (each hop passes the request number down), so queries are counted per
    // request: those of the requests that arrived in [100, 150) s, long after the spike, all ended
    // by 180 s.
    const path = join(import.meta.dirname, "..", "..", "scenarios", "multi-tier-retry-storm.yaml");
    const parsed = parseScenarioText(readFileSync(path, "utf8"), path);
    parsed.spec.duration = 180;
    const seeds = seedsFrom(1, size(2, 10));
    const runs = seeds.map((seed) => {
      const model = buildModel(parsed, seed);
      const spy = (name: string, seen: (request: number) => void) => {
        const service = model.components.find((c) => c.name === name) as unknown as Service;
        const accept = service.accept.bind(service);
        service.accept = (caller, token, deadline) => {
          seen(caller.requestOf(token));
          accept(caller, token, deadline);
        };
      };
      // A request's first attempt reaches the api the instant the request is made.
      const arrived = new Map<number, number>();
      spy("api", (r) => {
        if (!arrived.has(r)) arrived.set(r, model.sim.now);
      });
      const queries = new Map<number, number>();
      spy("db-pool", (r) => queries.set(r, (queries.get(r) ?? 0) + 1));
      model.faults.start();
      for (const c of model.components) c.start?.();
      model.sim.run({ until: 180 });
      const chosen = [...arrived].filter(([, t]) => t >= 100 && t < 150).map(([r]) => r);
      return { requests: chosen.length, queries: chosen.reduce((n, r) => n + (queries.get(r) ?? 0), 0) };
    });
    checkExact({
      group: "Multi-tier",
      check: "multi-tier-retry-storm, 3 layers × 3 attempts, stuck (requests made in 100–150 s)",
      quantity: "queries at the pool = 27 × requests (sum over seeds)",
      expected: runs.map((r) => 27 * r.requests),
      measured: runs.map((r) => r.queries),
      seeds,
    });
  });
});
