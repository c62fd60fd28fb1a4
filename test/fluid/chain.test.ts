import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { Chain } from "../../src/fluid/chain.js";
import { FluidRefusal } from "../../src/fluid/fluid-refusal.js";
import type { QueueState } from "../../src/fluid/queue-model.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { fluidClient } from "./fluid-client.js";

const ROOT = join(import.meta.dirname, "..", "..");
const scenario = (file: string) =>
  parseScenarioText(readFileSync(join(ROOT, "scenarios", file), "utf8"), `scenarios/${file}`);

/**
 * users -> client (timeout 5 s, `top` attempts) -> service mid (one call: timeout 0.5 s, 3 attempts)
 * -> server (M/M/1, 10 calls/s).
 */
const twoTier = (o: { rate?: number; top?: number; client?: string; call?: string; extra?: string } = {}) =>
  parseScenarioText(
    `name: two-tier
duration: 60
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: ${o.rate ?? 2} } }
clients:
  client: { target: mid, timeout: 5, maxAttempts: ${o.top ?? 2}${o.client ?? ""} }
services:
  mid:
    concurrency: 100
    steps:
      - { kind: call, target: server, timeout: 0.5, maxAttempts: 3${o.call ?? ""} }
servers:
  server:
    serviceTime: { kind: exponential, mean: 0.1 }
${o.extra ?? ""}`,
    "two-tier.yaml",
  );

describe("a chain's attempts multiply across layers", () => {
  // A queue whose every attempt is late past t with P = exp(-t): at the bottom's 0.5 s timeout,
  // p = exp(-0.5) of queries time out.
  const state = { late: (t: number) => Math.exp(-t), rejected: 0 } as unknown as QueueState;
  const chain = new Chain([
    { caller: "client", target: "mid", client: fluidClient({ timeout: 5, maxAttempts: 2 }), work: 0 },
    {
      caller: "mid->server",
      target: "server",
      client: fluidClient({ timeout: 0.5, maxAttempts: 3 }),
      work: 0,
    },
  ]);
  const p = Math.exp(-0.5);

  it("mid makes 1 + p + p^2 queries per call and fails with p^3; the client retries that failure", () => {
    const f = chain.at(state);
    expect(f.layers[1]!.attemptsPerRequest).toBeCloseTo(1 + p + p * p, 12);
    expect(f.layers[1]!.failure).toBeCloseTo(p ** 3, 12);
    // mid's call gives up after 3 x 0.5 = 1.5 s, inside the client's 5 s: an error, retried once.
    expect(f.layers[0]!.attemptsPerRequest).toBeCloseTo(1 + p ** 3, 12);
    expect(f.flow.attemptsPerRequest).toBeCloseTo((1 + p ** 3) * (1 + p + p * p), 12);
    expect(f.flow.failure).toBeCloseTo(p ** 6, 12);
  });

  it("with every query late a request makes 2 x 3 = 6 queries, retries waiting 1.5 s or 0.5 s", () => {
    expect(chain.allFail).toEqual([2, 3]);
    expect(chain.maxAttempts).toBe(6);
    expect(chain.spacing).toEqual([1.5, 0.5]);
    // Retries per request: 1 at the client (after 1.5 s) and 2 x 2 = 4 at mid (after 0.5 s each).
    expect(chain.orbitTime).toBeCloseTo((1 * 1.5 + 4 * 0.5) / 5, 12);
  });

  it("a budget caps each layer's retries at ratio x its calls + minPerSecond", () => {
    const budget = { ratio: 0.1, minPerSecond: 1 };
    const capped = new Chain([
      {
        caller: "c",
        target: "m",
        client: fluidClient({ timeout: 5, maxAttempts: 2, retryBudget: budget }),
        work: 0,
      },
      {
        caller: "m->s",
        target: "s",
        client: fluidClient({ timeout: 0.5, maxAttempts: 3, retryBudget: budget }),
        work: 0,
      },
    ]);
    // 50 req/s all failing: 1.1 x 50 + 1 = 56 calls to mid, 1.1 x 56 + 1 = 62.6 queries.
    expect(capped.rate(capped.allFail, 50)).toBeCloseTo(62.6, 10);
    expect(capped.loadFor(capped.allFail, 62.6)).toBeCloseTo(50, 10);
  });
});

describe("fluid model of a two-tier chain over an M/M/1 server (10 calls/s)", () => {
  it("the stuck state exists from 10 / (2 x 3) req/s: the retries of both layers keep the queue growing", () => {
    const a = analyseScenarioFluid(twoTier({ rate: 2 }));
    expect(a.bistable.low).toBeCloseTo(10 / 6, 6);
    const stuck = a.equilibria.find((e) => e.kind === "stuck")!;
    expect(stuck.attempts).toBeCloseTo(12, 9);
    expect(stuck.queueGrowth).toBeCloseTo(2, 9);
    expect(a.equilibria[0]!.kind).toBe("healthy");
  });

  it("is the one-client model when the upper layer does not retry and the service does no work", () => {
    const chain = analyseScenarioFluid(twoTier({ top: 1, rate: 2.5 }));
    const direct = analyseScenarioFluid(
      parseScenarioText(
        `name: direct
duration: 60
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 2.5 } }
clients:
  client: { target: server, timeout: 0.5, maxAttempts: 3 }
servers:
  server:
    serviceTime: { kind: exponential, mean: 0.1 }
`,
        "direct.yaml",
      ),
    );
    expect(chain.bistable.low).toBeCloseTo(direct.bistable.low!, 9);
    expect(chain.bistable.high).toBeCloseTo(direct.bistable.high!, 9);
    expect(chain.model.orbitTime).toBeCloseTo(direct.model.orbitTime, 12);
    expect(chain.equilibria.map((e) => e.kind)).toEqual(direct.equilibria.map((e) => e.kind));
    chain.equilibria.forEach((e, i) => {
      const d = direct.equilibria[i]!;
      expect(e.goodput).toBeCloseTo(d.goodput, 6);
      if (e.queue !== null) expect(e.queue).toBeCloseTo(d.queue!, 6);
    });
  });

  it("with a budget at both layers the stuck state needs 1.21 load + 2.1 > 10 queries/s", () => {
    const budget = ", retryBudget: { ratio: 0.1 }";
    // (1.1 L + 1) 1.1 + 1 = 10 at L = 7.9 / 1.21 = 6.53 req/s.
    const above = analyseScenarioFluid(twoTier({ rate: 7, client: budget, call: budget }));
    const stuck = above.equilibria.find((e) => e.kind === "stuck" && e.queue === null)!;
    expect(stuck.attempts).toBeCloseTo(1.21 * 7 + 2.1, 9);
    const below = analyseScenarioFluid(twoTier({ rate: 6.4, client: budget, call: budget }));
    expect(below.equilibria.some((e) => e.queue === null)).toBe(false);
  });

  it("names the component and field it does not cover", () => {
    const refusal = (s: ReturnType<typeof twoTier>) => {
      try {
        analyseScenarioFluid(s);
      } catch (e) {
        expect(e).toBeInstanceOf(FluidRefusal);
        return (e as Error).message;
      }
      throw new Error("not refused");
    };
    expect(refusal(twoTier({ call: ", propagateDeadline: true" }))).toMatch(
      /services\.mid\.steps\.0\.propagateDeadline: .*deadline passed down/,
    );
    expect(refusal(twoTier({ call: ", circuitBreaker: { failureThreshold: 0.5 }" }))).toMatch(
      /services\.mid\.steps\.0\.circuitBreaker/,
    );
    expect(
      refusal(
        twoTier({
          extra: `  other:
    serviceTime: { kind: exponential, mean: 0.1 }
`,
        }),
      ),
    ).toMatch(/servers\.other/);
    const twoCalls = parseScenarioText(
      readFileSync(join(ROOT, "scenarios", "multi-tier-retry-storm.yaml"), "utf8").replace(
        "        backoff: { kind: none }\n  web:",
        "        backoff: { kind: none }\n      - { kind: call, target: web }\n  web:",
      ),
      "m.yaml",
    );
    expect(refusal(twoCalls)).toMatch(/services\.api\.steps\.2: service "api": a second call/);
    const handshakes = parseScenarioText(
      readFileSync(join(ROOT, "scenarios", "multi-tier-retry-storm.yaml"), "utf8").replace(
        "reconnectCost: 0",
        "reconnectCost: 1",
      ),
      "m.yaml",
    );
    expect(refusal(handshakes)).toMatch(/pools\.db-pool\.reconnectCost: pool "db-pool": handshakes/);
  });
});

describe("the catalog's multi-tier storm and its fixes", () => {
  it("three layers of 3 attempts: stuck from 100 / 27 req/s, 540 queries/s at 20 req/s", () => {
    const a = analyseScenarioFluid(scenario("multi-tier-retry-storm.yaml"));
    expect(a.bistable.low).toBeCloseTo(100 / 27, 6);
    expect(a.bistable.high!).toBeGreaterThan(20);
    expect(a.equilibria.map((e) => e.kind)).toEqual(["healthy", "saddle", "stuck"]);
    expect(a.equilibria[2]!.attempts).toBeCloseTo(540, 6);
    // The scenario's spike (150 req/s for 5 s) tips it.
    expect(a.tippingDisturbance.seconds!).toBeLessThan(5);
    expect(a.trajectory[a.trajectory.length - 1]!.queue).toBeGreaterThan(1000);
  });

  it("retrying at one layer only: stuck from 100 / 3 req/s, so 20 req/s is healthy only", () => {
    const a = analyseScenarioFluid(scenario("multi-tier-retry-storm-one-layer.yaml"));
    expect(a.bistable.low).toBeCloseTo(100 / 3, 6);
    expect(a.equilibria.map((e) => e.kind)).toEqual(["healthy"]);
  });

  it("budgets at every layer: no stuck state anywhere near 20 req/s", () => {
    const a = analyseScenarioFluid(scenario("multi-tier-retry-storm-budgets.yaml"));
    // Every layer capped at 1.1 x its calls + 1: all failing, 1.331 L + 3.31 queries/s, so the
    // queue grows without bound only above (100 - 3.31) / 1.331 = 72.6 req/s.
    expect(a.bistable.low!).toBeGreaterThan(60);
    expect(a.bistable.low!).toBeLessThanOrEqual((100 - 3.31) / 1.331 + 1e-6);
    expect(a.equilibria.map((e) => e.kind)).toEqual(["healthy"]);
    expect(a.trajectory[a.trajectory.length - 1]!.queue).toBeLessThan(5);
  });

  it("refuses the deadlines variant at the client's deadline", () => {
    expect(() => analyseScenarioFluid(scenario("multi-tier-retry-storm-deadlines.yaml"))).toThrow(
      /clients\.client\.deadline/,
    );
  });
});
