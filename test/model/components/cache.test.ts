import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { Simulation } from "../../../src/engine/simulation.js";
import { expectedLruHitRate } from "../../../src/model/cache/expected-hit-rate.js";
import { LruStore } from "../../../src/model/cache/lru-store.js";
import { UniformPopularity } from "../../../src/model/cache/uniform-popularity.js";
import { ZipfPopularity } from "../../../src/model/cache/zipf-popularity.js";
import type { Caller, ReplyStatus, Service } from "../../../src/model/call.js";
import { Cache, type CacheOptions } from "../../../src/model/components/cache.js";
import { Client } from "../../../src/model/components/client.js";
import { Database } from "../../../src/model/components/database.js";
import { optionPath } from "../option-path.js";
import { Probe } from "../test-caller.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

/** A database stand-in that answers every read with `status` after `delay`, and logs the keys. */
class FakeDb implements Service {
  readonly name = "fake";
  readonly capacityPerSec = 100;
  readonly keys: number[] = [];
  status: ReplyStatus = "ok";
  constructor(
    private readonly sim: Simulation,
    private readonly delay: number,
  ) {}
  accept(caller: Caller, token: number): void {
    // The key is not part of a call: read it from the cache's record of the read.
    const sent = (caller as unknown as { sent: Map<number, { key: number }> }).sent;
    this.keys.push(sent.get(token)!.key);
    const status = this.status;
    if (this.delay === 0) caller.reply(token, status);
    else this.sim.schedule(this.delay, { handleEvent: () => caller.reply(token, status) });
  }
}

/** Reads the cache has sent and not yet heard back about. */
const unanswered = (cache: Cache) => (cache as unknown as { sent: Map<number, unknown> }).sent.size;

function setup(options: CacheOptions = {}, dbDelay = 0.1, seed = 1) {
  const sim = new Simulation({ seed });
  const db = new FakeDb(sim, dbDelay);
  const cache = new Cache(sim, "cache", db, options);
  const calls: Probe[] = [];
  const at = (t: number, deadline = Number.POSITIVE_INFINITY) => {
    const call = new Probe(sim, deadline);
    calls.push(call);
    sim.scheduleAt(t, { handleEvent: () => cache.accept(call, 0, deadline) });
    return call;
  };
  return { sim, db, cache, calls, at };
}

describe("cache", () => {
  it("a miss reads the database and fills; the next call hits after hitLatency", () => {
    const { sim, cache, at } = setup({ keys: 1 });
    const miss = at(0);
    const hit = at(1);
    sim.run();
    expect(miss.answers).toEqual([{ status: "ok", at: 0.1 }]);
    expect(hit.answers[0]!.at).toBeCloseTo(1.001, 12);
    expect(cache.stats).toMatchObject({ arrived: 2, hits: 1, misses: 1, dbReads: 1, fills: 1 });
    expect(cache.size).toBe(1);
  });

  it("fills only when the database answers before the caller's deadline", () => {
    const { sim, cache, at } = setup({ keys: 1 }, 2);
    const late = at(0, 1);
    at(3, 10);
    sim.run();
    // The late answer still reaches the caller (who no longer wants it) but fills nothing.
    expect(late.answers).toEqual([{ status: "ok", at: 2 }]);
    expect(cache.stats).toMatchObject({ misses: 2, fills: 1 });
  });

  it("answers the caller with the database's status and counts it as a database error", () => {
    const { sim, db, cache, at } = setup({ keys: 1 });
    db.status = "rejected";
    const call = at(0);
    sim.run();
    expect(call.answers).toEqual([{ status: "rejected", at: 0.1 }]);
    expect(cache.stats).toMatchObject({ dbErrors: 1, fills: 0 });
    expect(cache.size).toBe(0);
  });

  it("coalesce: later misses for a key wait for the read in flight, until its deadline", () => {
    const { sim, cache, calls, at } = setup({ keys: 1, coalesce: true }, 2);
    at(0, 1);
    at(0.5, 1.5);
    // Past the first read's deadline: a read that may never come back is not joined.
    at(1.2, 5);
    sim.run();
    expect(cache.stats).toMatchObject({ misses: 3, coalesced: 1, dbReads: 2 });
    expect(calls.map((c) => c.answers.map((a) => a.at))).toEqual([[2], [2], [3.2]]);
    // The first read came back after every waiter's deadline: only the second one filled.
    expect(cache.stats.fills).toBe(1);
    const plain = setup({ keys: 1 }, 2);
    plain.at(0);
    plain.at(0.5);
    plain.sim.run();
    expect(plain.cache.stats).toMatchObject({ coalesced: 0, dbReads: 2 });
  });

  it("coalesce: a read answered after its first caller gave up fills while a later waiter waits", () => {
    const { sim, cache, at } = setup({ keys: 1, coalesce: true }, 1.5);
    at(0, 1);
    at(0.9, 1.9);
    sim.run();
    expect(cache.stats).toMatchObject({ coalesced: 1, dbReads: 1, fills: 1 });
  });

  it("ttl: an expired entry is a miss unless serveStale, which answers it and refreshes once", () => {
    const strict = setup({ keys: 1, ttl: 1 });
    strict.at(0);
    strict.at(2);
    strict.sim.run();
    expect(strict.cache.stats).toMatchObject({ hits: 0, misses: 2, fills: 2 });

    const { sim, cache, db, calls, at } = setup({ keys: 1, ttl: 1, serveStale: true });
    at(0);
    at(2);
    at(2.01);
    at(3);
    sim.run();
    expect(calls[1]!.answers[0]!.at).toBeCloseTo(2.001, 12);
    // One refresh for the two stale hits; it filled at 2.1, so the call at 3 is fresh.
    expect(cache.stats).toMatchObject({ misses: 1, staleServed: 2, refreshes: 1, hits: 1, dbReads: 2 });
    expect(db.keys).toEqual([1, 1]);
  });

  it("serveStale keeps serving the stale entry when its refresh fails", () => {
    const { sim, cache, db, calls, at } = setup({ keys: 1, ttl: 1, serveStale: true });
    at(0);
    sim.scheduleAt(1.5, { handleEvent: () => (db.status = "error") });
    at(2);
    at(2.5);
    sim.run();
    expect(calls.map((c) => c.answers[0]!.status)).toEqual(["ok", "ok", "ok"]);
    expect(cache.stats).toMatchObject({ staleServed: 2, refreshes: 2, dbErrors: 2 });
  });

  it("flush empties it; warm fills the most popular keys first", () => {
    const { cache } = setup({ keys: 100, capacity: 40, popularity: { kind: "uniform" } });
    cache.warm(0.5);
    expect(cache.size).toBe(20);
    expect(cache.stats.warmed).toBe(20);
    cache.flush();
    expect(cache.size).toBe(0);
    // Warm with every key, then nothing misses.
    const all = setup({ keys: 50, popularity: { kind: "zipf", exponent: 1 } });
    all.cache.warm(1);
    for (let i = 0; i < 200; i++) all.at(i * 0.01);
    all.sim.run();
    expect(all.cache.stats).toMatchObject({ hits: 200, misses: 0 });
    // With exponent 3 nearly every call asks for one of the 20 hottest keys, which warm put in.
    const hot = setup({ keys: 1000, capacity: 20, popularity: { kind: "zipf", exponent: 3 } });
    hot.cache.warm(1);
    for (let i = 0; i < 100; i++) hot.at(i * 0.01);
    hot.sim.run();
    expect(hot.cache.stats.hits).toBeGreaterThanOrEqual(99);
  });

  it("prefill warms at start", () => {
    const { cache } = setup({ keys: 100, capacity: 50, prefill: 0.4 });
    cache.start();
    expect(cache.size).toBe(20);
  });

  it("a client's retries ask for the same key as the attempt they retry", () => {
    const sim = new Simulation({ seed: 5 });
    const db = new FakeDb(sim, 0);
    db.status = "error";
    const cache = new Cache(sim, "cache", db, { keys: 1_000_000 });
    const client = new Client(sim, "client", cache, { maxAttempts: 3 });
    for (let i = 0; i < 5; i++) sim.scheduleAt(i, { handleEvent: () => client.request() });
    sim.run();
    expect(db.keys).toHaveLength(15);
    for (let i = 0; i < 5; i++) {
      const [a, b, c] = db.keys.slice(3 * i, 3 * i + 3);
      expect(b).toBe(a);
      expect(c).toBe(a);
    }
    expect(new Set(db.keys).size).toBe(5);
  });

  it("remembers keys per request number, whichever caller passes the call on", () => {
    const sim = new Simulation({ seed: 5 });
    const db = new FakeDb(sim, 0);
    db.status = "error";
    const cache = new Cache(sim, "cache", db, { keys: 1_000_000 });
    // Request numbers are unique in a simulation: a balancer passes its caller's on unchanged.
    const caller = (request: number): Caller => ({ reply: () => true, requestOf: () => request });
    const [a, b, viaBalancer] = [caller(7), caller(8), caller(7)];
    cache.accept(a, 0, Number.POSITIVE_INFINITY);
    cache.accept(b, 0, Number.POSITIVE_INFINITY);
    cache.accept(viaBalancer, 1, Number.POSITIVE_INFINITY);
    cache.accept(b, 1, Number.POSITIVE_INFINITY);
    const [a0, b0, a1, b1] = db.keys;
    expect(a1).toBe(a0);
    expect(b1).toBe(b0);
    expect(b0).not.toBe(a0);
  });

  it('a read the database lost is passed on as "lost" and forgotten; misses join it until its deadline', () => {
    const { sim, db, cache, calls, at } = setup({ keys: 1, coalesce: true }, 0.1);
    db.status = "lost";
    at(0, 1);
    at(0.05, 2);
    // The lost read is still the key's read until its deadline: this miss joins it and is lost too.
    at(0.5, 3);
    sim.scheduleAt(0.6, { handleEvent: () => (db.status = "ok") });
    at(1.5, 4);
    sim.run();
    expect(calls.map((c) => c.answers)).toEqual([
      [{ status: "lost", at: 0.1 }],
      [{ status: "lost", at: 0.1 }],
      [{ status: "lost", at: 0.5 }],
      [{ status: "ok", at: 1.6 }],
    ]);
    // A lost read is no database error: before "lost" existed it was simply never answered.
    expect(cache.stats).toMatchObject({ misses: 4, coalesced: 2, dbReads: 2, dbErrors: 0, fills: 1 });
    expect(unanswered(cache)).toBe(0);
  });

  it("a hit answers its own caller and token after hitLatency", () => {
    const { sim, cache } = setup({ keys: 1 }, 0);
    const answers: [number, ReplyStatus, number][] = [];
    const caller: Caller = {
      reply: (token, status) => answers.push([token, status, sim.now]) > 0,
      requestOf: () => -1,
    };
    sim.scheduleAt(0, { handleEvent: () => cache.accept(caller, 1, Number.POSITIVE_INFINITY) });
    sim.scheduleAt(1, {
      handleEvent: () => {
        for (const token of [2, 3]) cache.accept(caller, token, Number.POSITIVE_INFINITY);
      },
    });
    sim.run();
    expect(answers.map(([token, status]) => [token, status])).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "ok"],
    ]);
    expect(answers[0]![2]).toBe(0);
    expect(answers[2]![2]).toBeCloseTo(1.001, 12);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1 });
  });

  it("the LRU hit rate it measures matches its expected hit rate (Che's approximation)", () => {
    const { sim, cache, at } = setup(
      { keys: 1000, capacity: 200, popularity: { kind: "zipf", exponent: 1 } },
      0,
    );
    for (let i = 0; i < 100_000; i++) at(i * 0.001);
    sim.run({ until: 20 });
    const warm = { hits: cache.stats.hits, arrived: cache.stats.arrived };
    sim.run();
    const measured = (cache.stats.hits - warm.hits) / (cache.stats.arrived - warm.arrived);
    expect(measured).toBeCloseTo(cache.expectedHitRate, 2);
    expect(cache.expectedHitRate).toBeCloseTo(0.697, 2);
  });

  it("expected hit rate: C/K for uniform keys, 1 when every key fits", () => {
    expect(expectedLruHitRate(new UniformPopularity(1000), 250)).toBeCloseTo(0.25, 9);
    expect(expectedLruHitRate(new ZipfPopularity(100, 1), 100)).toBe(1);
    expect(expectedLruHitRate(new ZipfPopularity(100, 1), 0)).toBe(0);
    const zipf = new ZipfPopularity(100, 1.2);
    let total = 0;
    for (let k = 1; k <= 100; k++) total += zipf.probability(k);
    expect(total).toBeCloseTo(1, 12);
  });

  it("advertises database capacity / (1 - expected hit rate) and shows the hidden capacity", () => {
    const sim = new Simulation();
    const db = new Database(sim, "db", { serviceTime: constant(0.01), concurrency: 3 });
    const cache = new Cache(sim, "cache", db, { keys: 1000, capacity: 900 });
    expect(cache.expectedHitRate).toBeCloseTo(0.9, 9);
    expect(cache.capacityPerSec).toBeCloseTo(3000, 6);
    expect(cache.describe()).toMatchObject({ advertisedCapacity: "3000 req/s", hiddenCapacity: "300 req/s" });
    expect(new Cache(sim, "all", db, { keys: 10 }).capacityPerSec).toBe(Number.POSITIVE_INFINITY);
  });

  it("hitRate gauge covers the last one to two seconds", () => {
    const { sim, cache, at } = setup({ keys: 1 }, 0);
    for (let i = 0; i < 10; i++) at(0.5 + i * 0.01);
    sim.run({ until: 1.5 });
    expect(cache.gauges()).toEqual({ size: 1, hitRate: 0.9 });
    sim.run({ until: 3.5 });
    expect(cache.gauges().hitRate).toBe(0);
  });

  it("LRU store evicts the least recently used entry", () => {
    const store = new LruStore(2);
    store.set(1, 10);
    store.set(2, 10);
    expect(store.use(1)).toBe(10);
    expect(store.set(3, 10)).toBe("evicted");
    expect([store.has(1), store.has(2), store.has(3)]).toEqual([true, false, true]);
    expect(store.set(3, 20)).toBe("stored");
    expect(store.use(3)).toBe(20);
    expect(new LruStore(0).set(1, 1)).toBe("declined");
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const db = new FakeDb(sim, 0);
    const path = (options: unknown) => optionPath(() => new Cache(sim, "c", db, options as CacheOptions));
    expect(path({ keys: 0 })).toEqual(["keys"]);
    expect(path({ keys: 2_000_000 })).toEqual(["keys"]);
    expect(path({ popularity: { kind: "zipf", exponent: -1 } })).toEqual(["popularity", "exponent"]);
    expect(path({ popularity: { kind: "pareto" } })).toEqual(["popularity", "kind"]);
    expect(path({ popularity: "hot" })).toEqual(["popularity"]);
    expect(path({ capacity: -1 })).toEqual(["capacity"]);
    expect(path({ ttl: 0 })).toEqual(["ttl"]);
    expect(path({ hitLatency: -0.1 })).toEqual(["hitLatency"]);
    expect(path({ coalesce: 1 })).toEqual(["coalesce"]);
    expect(path({ serveStale: "no" })).toEqual(["serveStale"]);
    expect(path({ prefill: 1.5 })).toEqual(["prefill"]);
    expect(path({ eviction: { kind: "arc" } })).toEqual(["eviction", "kind"]);
    expect(path({ eviction: { kind: "tinyLfu", sampleSize: 0 } })).toEqual(["eviction", "sampleSize"]);
    const cache = new Cache(sim, "ok", db);
    expect(optionPath(() => cache.warm(2))).toEqual(["fraction"]);
  });

  /** Random load through a cache over a real database with faults; returns stats and answers. */
  function chaos(seed: number, options: CacheOptions) {
    const sim = new Simulation({ seed });
    const db = new Database(sim, "db", { serviceTime: constant(0.02), concurrency: 4, queueCapacity: 10 });
    const cache = new Cache(sim, "cache", db, { keys: 200, capacity: 50, ...options });
    const rng = sim.stream("test:load");
    const calls: Probe[] = [];
    let t = 0;
    for (let i = 0; i < 5000; i++) {
      t += -Math.log(1 - rng.next()) / 400;
      const call = new Probe(sim, t + 0.3 * rng.next());
      calls.push(call);
      sim.scheduleAt(t, { handleEvent: () => cache.accept(call, 0, call.deadline) });
    }
    sim.scheduleAt(3, { handleEvent: () => cache.flush() });
    sim.scheduleAt(4, { handleEvent: () => db.restart() });
    sim.scheduleAt(5, { handleEvent: () => db.setErrorRate(0.5) });
    sim.scheduleAt(7, { handleEvent: () => db.setErrorRate(0) });
    sim.scheduleAt(8, { handleEvent: () => cache.warm(0.5) });
    sim.run();
    return { cache, db, calls };
  }

  it.each([
    { coalesce: false, serveStale: false },
    { coalesce: true, serveStale: false },
    { coalesce: true, serveStale: true, ttl: 0.5 },
    { coalesce: false, serveStale: true, ttl: 0.5 },
  ])("conservation with %o: every call answered exactly once, counters add up", (options) => {
    const { cache, db, calls } = chaos(11, { popularity: { kind: "zipf", exponent: 1 }, ...options });
    for (const c of calls) expect(c.answers).toHaveLength(1);
    // The restart's lost reads reach their callers, and the cache lets go of them.
    expect(calls.some((c) => c.answers[0]!.status === "lost")).toBe(true);
    expect(unanswered(cache)).toBe(0);
    const s = cache.stats;
    expect(s.arrived).toBe(calls.length);
    expect(s.hits + s.staleServed + s.misses).toBe(s.arrived);
    expect(s.dbReads).toBe(s.misses - s.coalesced + s.refreshes);
    expect(db.stats.arrived).toBe(s.dbReads);
    expect(s.fills).toBeLessThanOrEqual(db.stats.served);
    expect(s.dbErrors).toBe(db.stats.rejected + db.stats.errors);
    // Hits are always ok; a miss is ok exactly when its read was (failed refreshes answer nobody).
    const ok = calls.filter((c) => c.answers[0]!.status === "ok").length;
    expect(ok).toBeGreaterThanOrEqual(s.hits + s.staleServed);
    expect(ok).toBeLessThanOrEqual(s.arrived - s.dbErrors + s.refreshes);
    expect(cache.size).toBeLessThanOrEqual(50);
    if (options.coalesce) expect(s.coalesced).toBeGreaterThan(0);
    if (options.serveStale) expect(s.staleServed).toBeGreaterThan(0);
  });

  it("replays identically from the same seed, and differently from another", () => {
    const options: CacheOptions = { popularity: { kind: "zipf", exponent: 1 }, coalesce: true };
    const a = chaos(3, options);
    const b = chaos(3, options);
    expect(b.cache.stats).toEqual(a.cache.stats);
    expect(b.calls.map((c) => c.answers)).toEqual(a.calls.map((c) => c.answers));
    expect(chaos(4, options).cache.stats).not.toEqual(a.cache.stats);
  });
});
