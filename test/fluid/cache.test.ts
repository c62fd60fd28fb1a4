import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDistribution } from "../../src/engine/distributions.js";
import { Simulation } from "../../src/engine/simulation.js";
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { BoundedQueueModel } from "../../src/fluid/bounded-queue-model.js";
import { ContendedQueueModel, queryTime } from "../../src/fluid/contended-queue-model.js";
import { FluidRefusal } from "../../src/fluid/fluid-refusal.js";
import { HotSet } from "../../src/fluid/hot-set.js";
import { createPopularity } from "../../src/model/cache/create-popularity.js";
import { Database } from "../../src/model/components/database.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

const ROOT = join(import.meta.dirname, "..", "..");
const scenario = (file: string) =>
  parseScenarioText(readFileSync(join(ROOT, "scenarios", file), "utf8"), `scenarios/${file}`);

// 100 equally popular keys, room for 50: an LRU cache of half the keys hits exactly half the time
// (Che: 100 (1 - e^(-T/100)) = 50, hit rate 1 - e^(-T/100) = 0.5). The database is M/M/1 at 100 req/s.
const cached = (opts: { rate: number; attempts: number; extra?: string; db?: string }) =>
  parseScenarioText(
    `name: t
duration: 60
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: ${opts.rate} } }
clients:
  client: { target: cache, timeout: 1, maxAttempts: ${opts.attempts} }
caches:
  cache:
    target: db
    keys: 100
    capacity: 50
    prefill: 1
${opts.extra ?? ""}
databases:
  db:
    concurrency: 1
    serviceTime: { kind: exponential, mean: 0.01 }
${opts.db ?? ""}`,
    "t.yaml",
  );

describe("a cache over a database, no retries (worked by hand)", () => {
  // Full cache (h = 0.5): the database sees (1 - h) x load. It is healthy until that reaches its
  // 100 req/s, i.e. up to 200 req/s. A cold cache sends it everything: above 100 req/s its queue
  // grows without bound, no read comes back within the timeout, so nothing refills the cache.
  const a = analyseScenarioFluid(cached({ rate: 150, attempts: 1 }));

  it("is bistable between the database's capacity and that capacity over the miss ratio", () => {
    expect(a.cache!.fullHitRate).toBeCloseTo(0.5, 9);
    expect(a.bistable.high!).toBeCloseTo(200, 3);
    expect(a.bistable.low!).toBeGreaterThan(99);
    expect(a.bistable.low!).toBeLessThan(100.5);
  });

  it("puts the healthy state at the M/M/1 queue of the misses, and a cold stuck state beside it", () => {
    const [healthy, stuck] = a.equilibria;
    // 75 req/s of misses into 100 req/s: L = rho / (1 - rho) = 3.
    expect(healthy!.kind).toBe("healthy");
    expect(healthy!.hitRate!).toBeCloseTo(0.5, 9);
    expect(healthy!.queue!).toBeCloseTo(3, 4);
    expect(healthy!.goodput).toBeCloseTo(150, 6);
    expect(healthy!.throughput).toBeCloseTo(75, 6);
    expect(stuck).toMatchObject({ kind: "stuck", hitRate: 0, queue: null });
    expect(stuck!.goodput).toBeLessThan(1e-6);
  });

  it("starts prefilled: the hottest 50 keys hold half the requests", () => {
    expect(a.cache!.startHitRate).toBeCloseTo(0.5, 9);
    expect(a.trajectory[a.trajectory.length - 1]!.hitRate).toBeCloseTo(0.5, 6);
  });

  it("has no band below the database's capacity with a cold cache refilling", () => {
    const b = analyseScenarioFluid(cached({ rate: 80, attempts: 1 }));
    expect(b.equilibria.map((e) => e.kind)).toEqual(["healthy"]);
    expect(b.tippingDisturbance.hitRate).toBeNull();
  });
});

describe("the database loop behind the cache is the one-server model at (1 - h) x load", () => {
  it("matches a plain server at the misses' load, retries and band included", () => {
    const withCache = analyseScenarioFluid(cached({ rate: 120, attempts: 3 }));
    const plain = analyseScenarioFluid(
      parseScenarioText(
        `name: p
duration: 60
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 60 } }
clients:
  client: { target: server, timeout: 1, maxAttempts: 3 }
servers:
  server:
    serviceTime: { kind: exponential, mean: 0.01 }
`,
        "p.yaml",
      ),
    );
    const fullCache = withCache.equilibria.filter((e) => Math.abs(e.hitRate! - 0.5) < 1e-9);
    expect(fullCache.map((e) => e.kind)).toEqual(plain.equilibria.map((e) => e.kind));
    fullCache.forEach((e, i) => {
      const p = plain.equilibria[i]!;
      if (p.queue === null) expect(e.queue).toBeNull();
      else expect(e.queue!).toBeCloseTo(p.queue, 6);
      // The cache adds its 60 req/s of hits to the goodput.
      expect(e.goodput).toBeCloseTo(60 + p.goodput, 6);
    });
    expect(withCache.bistable.high!).toBeCloseTo(2 * plain.bistable.high!, 6);
  });
});

describe("the catalog's cache-flush family", () => {
  const flush = analyseScenarioFluid(scenario("cache-flush.yaml"));

  it("cache-flush: a cold cache stays stuck at 3000 req/s, the database answering nothing in time", () => {
    const cold = flush.equilibria.find((e) => e.hitRate === 0)!;
    expect(cold.kind).toBe("stuck");
    expect(cold.timeoutProbability).toBeGreaterThan(0.999);
    expect(cold.goodput).toBeLessThan(1);
    // Every connection busy and the queue of 1000 full: 1600 at the database, serving ~332 req/s.
    expect(cold.queue!).toBeGreaterThan(1590);
    expect(cold.throughput).toBeCloseTo(332, 0);
    expect(flush.bistable.low!).toBeLessThan(3000);
    expect(flush.bistable.high!).toBeGreaterThan(3000);
  });

  it("cache-flush: the flush at 20 s leaves the fluid trajectory stuck to the end", () => {
    const last = flush.trajectory[flush.trajectory.length - 1]!;
    expect(last.hitRate!).toBeLessThan(0.8 * flush.cache!.fullHitRate);
    expect(last.queue).toBeGreaterThan(1500);
    expect(flush.tippingDisturbance.hitRate!).toBeLessThan(flush.cache!.fullHitRate);
  });

  it("cache-flush below the recovery load: the cold cache refills", () => {
    const low = flush.bistable.low!;
    const b = analyseScenarioFluid(scenario("cache-flush.yaml"), { load: 0.8 * low });
    expect(b.equilibria.some((e) => e.hitRate === 0)).toBe(false);
    expect(flush.recovery.seconds!).toBeGreaterThan(0);
  });

  it("cache-flush-shedding: a short queue and few connections leave no stuck state", () => {
    const a = analyseScenarioFluid(scenario("cache-flush-shedding.yaml"));
    expect(a.bistable).toEqual({ low: null, high: null });
    const last = a.trajectory[a.trajectory.length - 1]!;
    expect(last.hitRate!).toBeGreaterThan(0.95 * a.cache!.fullHitRate);
  });

  it("cache-flush-warmup: warming the cache and ramping the load back brings it back", () => {
    const a = analyseScenarioFluid(scenario("cache-flush-warmup.yaml"));
    const last = a.trajectory[a.trajectory.length - 1]!;
    expect(last.hitRate!).toBeGreaterThan(0.95 * a.cache!.fullHitRate);
    expect(last.queue).toBeLessThan(100);
  });
});

describe("the contended database", () => {
  it("has the database component's capacity: c / (mean (1 + contention (c - 1)))", () => {
    const sim = new Simulation({ seed: 1 });
    const spec = { kind: "lognormal" as const, mean: 0.01, stddev: 0.003 };
    const db = new Database(sim, "db", {
      serviceTime: createDistribution(spec),
      concurrency: 600,
      contention: 0.3,
    });
    const model = new ContendedQueueModel(600, queryTime(spec)!, 0.3, 1000);
    expect(model.capacity).toBeCloseTo(db.nominalCapacityPerSec, 9);
    expect(model.capacity).toBeCloseTo(600 / (0.01 * (1 + 0.3 * 599)), 9);
  });

  it("without contention is the M/M/c/N chain of a server: same queue and refusals", () => {
    const a = new ContendedQueueModel(2, queryTime({ kind: "exponential" as const, mean: 0.1 })!, 0, 10);
    const b = new BoundedQueueModel(2, 10, 10, true);
    for (const x of [5, 15, 19, 25, 60]) {
      expect(a.at(x).inSystem).toBeCloseTo(b.at(x).inSystem, 9);
      expect(a.at(x).rejected).toBeCloseTo(b.at(x).rejected, 9);
    }
    // Lightly loaded, almost no one waits: late is the exponential tail e^(-t/0.1).
    expect(a.at(0.01).late(0.3)).toBeCloseTo(Math.exp(-3), 3);
  });
});

describe("the hot set", () => {
  const uniform = new HotSet(createPopularity({ kind: "uniform" }, 100), 50);

  it("fills hottest-first up to Che's hit rate", () => {
    expect(uniform.fullHitRate).toBeCloseTo(0.5, 9);
    expect(uniform.hotShare(10)).toBeCloseTo(0.1, 12);
  });

  it("fills each missing key after its first read answered in time", () => {
    // h = 0.2: 80 keys missing, each asked 100 x 0.01 = 1 time a second.
    expect(uniform.fillRate(0.2, 100, 1, 0)).toBeCloseTo(80 * 0.01 * 1, 9);
    // A read takes 0.5 s: a key is filled 1.5 s after its first miss on average.
    expect(uniform.fillRate(0.2, 100, 1, 0.5)).toBeCloseTo((80 * 0.01) / 1.5, 9);
    expect(uniform.fillRate(0.2, 100, 0, 0.5)).toBe(0);
  });
});

describe("refusals name the component and why", () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(FluidRefusal);
      return (e as Error).message;
    }
    throw new Error("expected a refusal");
  };

  it.each([
    ["    coalesce: true\n", /caches\.cache\.coalesce: cache "cache": coalesced reads/],
    ["    serveStale: true\n", /caches\.cache\.serveStale: cache "cache": serving stale entries/],
    ["    ttl: 30\n", /caches\.cache\.ttl: cache "cache": expiring entries/],
  ])("a cache option it leaves out: %s", (extra, message) => {
    expect(refusal(() => analyseScenarioFluid(cached({ rate: 50, attempts: 1, extra })))).toMatch(message);
  });

  it("a contended database without a queue capacity", () => {
    expect(
      refusal(() => analyseScenarioFluid(cached({ rate: 50, attempts: 1, db: "    contention: 0.1\n" }))),
    ).toMatch(/databases\.db\.queueCapacity: database "db": with contention/);
  });

  it("the catalog's coalescing cache and lease fleets", () => {
    expect(refusal(() => analyseScenarioFluid(scenario("cache-flush-coalescing.yaml")))).toMatch(
      /caches\.cache\.coalesce/,
    );
    for (const f of ["lease-renewal-storm.yaml", "lease-renewal-storm-fixed.yaml"]) {
      expect(refusal(() => analyseScenarioFluid(scenario(f)))).toMatch(
        /leaseFleets\.dwfm: lease fleet "dwfm" is not covered: its load depends on how many hosts hold a lease/,
      );
    }
  });
});
