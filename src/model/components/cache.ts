import { checkNumber, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { CacheStore } from "../cache/cache-store.js";
import { createPopularity, POPULARITIES } from "../cache/create-popularity.js";
import { createStore, EVICTIONS } from "../cache/create-store.js";
import { HitRateWindow } from "../cache/hit-rate-window.js";
import type { KeyPopularity } from "../cache/key-popularity.js";
import { RequestKeys } from "../cache/request-keys.js";
import type { Caller, ReplyStatus, Service } from "../call.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import type { LoopGauge, ShowsLoopState } from "../roles.js";

/** Options of a look-aside cache. Seconds throughout. */
export const CACHE_OPTIONS = {
  keys: option.integer({
    doc: "Number of distinct keys requests ask for.",
    default: 1000,
    min: 1,
    max: 1_000_000,
  }),
  popularity: option.policy(POPULARITIES, { doc: "How requests pick keys.", default: { kind: "uniform" } }),
  capacity: option.integer({
    doc: "Entries held; when it is full, `eviction` decides which stay.",
    min: 0,
    defaultText: "`keys` (all fit)",
  }),
  eviction: option.policy(EVICTIONS, { doc: "Which entries a full cache keeps.", default: { kind: "lru" } }),
  ttl: option.number({
    doc: "Seconds an entry stays fresh after it is filled.",
    default: Number.POSITIVE_INFINITY,
    defaultText: "(never expires)",
    min: 0,
    exclusiveMin: true,
    unbounded: true,
  }),
  hitLatency: option.number({ doc: "Time to answer a hit.", default: 0.001, min: 0 }),
  coalesce: option.boolean({
    doc: "One database read per key at a time: later misses for the key wait for it.",
    default: false,
  }),
  serveStale: option.boolean({
    doc: "Answer an expired entry from the cache at once while one background read refreshes it; a failed refresh leaves the stale entry in service.",
    default: false,
    defaultText: "(an expired entry is a miss)",
  }),
  prefill: option.number({
    doc: "Fraction of `capacity` filled with the most popular keys when the run starts.",
    default: 0,
    defaultText: "(cold)",
    min: 0,
    max: 1,
  }),
} as const;

/** Options of a look-aside cache, as its constructor takes them. */
export type CacheOptions = OptionsInput<typeof CACHE_OPTIONS>;

/** Counters a cache keeps. Every call is exactly one of hits, staleServed and misses. */
export interface CacheStats {
  /** Calls received. */
  arrived: number;
  /** Calls answered from a fresh entry. */
  hits: number;
  /** Calls answered from an expired entry (serveStale). */
  staleServed: number;
  /** Calls that had to wait for the database. */
  misses: number;
  /** Misses that joined a read already in flight for their key instead of sending one (coalesce). */
  coalesced: number;
  /** Background reads sent to refresh a stale entry. */
  refreshes: number;
  /** Reads sent to the database: misses - coalesced + refreshes. */
  dbReads: number;
  /** Reads the database answered with anything but "ok". */
  dbErrors: number;
  /** Database answers that arrived while a caller still wanted them, handed to the store to keep (see `declined`). */
  fills: number;
  /** Entries written by `warm` or `prefill`. */
  warmed: number;
  /** Entries evicted to make room. */
  evictions: number;
  /** Database answers the eviction policy did not store (TinyLFU: the key was not popular enough). */
  declined: number;
}

const HIT = 0;

// A hit waiting out hitLatency: the event's data. Recycled, so hits allocate nothing.
interface Hit {
  caller: Caller | null;
  token: number;
}

/** One database read (its token is its id), shared by every miss that waits for it. */
class Read {
  // The waiting misses, as (caller, token) pairs.
  readonly callers: Caller[] = [];
  readonly tokens: number[] = [];
  /** The latest deadline among the waiters: the answer fills the cache only until then. */
  wantedUntil: number;
  /** The database lost it (a restart): it will never be answered. */
  lost = false;
  constructor(
    readonly id: number,
    readonly key: number,
    readonly deadline: number,
  ) {
    this.wantedUntil = deadline;
  }
}

/**
 * A look-aside cache in front of a database. A hit is answered after `hitLatency`; a miss reads
 * the database with the caller's deadline and fills the entry only if the answer comes while the
 * caller still wants it, so a database too slow to answer in time can never refill the cache.
 * Each request asks for one key drawn by popularity; its retries ask for the same key (the caller
 * tells which request a call belongs to, see Caller.requestOf).
 */
export class Cache implements Handler, Service, Caller, Component, Capabilities, ShowsLoopState {
  readonly type = "cache";
  readonly loopGauges: readonly LoopGauge[] = [
    { gauge: "hitRate", label: "cache hit rate", unit: "fraction", bad: "low" },
  ];
  readonly stats: CacheStats = {
    arrived: 0,
    hits: 0,
    staleServed: 0,
    misses: 0,
    coalesced: 0,
    refreshes: 0,
    dbReads: 0,
    dbErrors: 0,
    fills: 0,
    warmed: 0,
    evictions: 0,
    declined: 0,
  };
  readonly popularity: KeyPopularity;
  readonly capacity: number;
  readonly ttl: number;
  readonly hitLatency: number;
  readonly coalesce: boolean;
  readonly serveStale: boolean;
  readonly prefill: number;
  private readonly store: CacheStore;
  private readonly rng: RandomStream;
  // Reads later misses (coalesce) or stale hits (serveStale) may share, by key.
  private readonly reads = new Map<number, Read>();
  // Reads the database has not answered yet, by token.
  private readonly sent = new Map<number, Read>();
  private readonly idleHits: Hit[] = [];
  private readonly requestKeys = new RequestKeys();
  private nextId = 0;
  private hitRateMemo: number | undefined;
  private readonly window = new HitRateWindow();

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly target: Service,
    options: CacheOptions = {},
  ) {
    const o = readOptions(CACHE_OPTIONS, options);
    const keys = o.keys;
    this.popularity = within(["popularity"], () => createPopularity(o.popularity, keys));
    this.capacity = o.capacity ?? keys;
    this.ttl = o.ttl;
    this.hitLatency = o.hitLatency;
    this.coalesce = o.coalesce;
    this.serveStale = o.serveStale;
    this.prefill = o.prefill;
    this.store = within(["eviction"], () => createStore(o.eviction, this.capacity));
    this.rng = sim.stream(`cache:${name}:keys`);
  }

  /**
   * Steady-state hit rate for this popularity, capacity and eviction policy, before expiry (LRU:
   * Che's approximation; TinyLFU: the share of the `capacity` most popular keys).
   */
  get expectedHitRate(): number {
    this.hitRateMemo ??= this.store.expectedHitRate(this.popularity);
    return this.hitRateMemo;
  }

  /**
   * Advertised capacity: what the database can take divided by the share of calls that reach it
   * at the expected hit rate (Infinity when every key fits). The database alone is the hidden one.
   */
  get capacityPerSec(): number {
    const missRatio = 1 - this.expectedHitRate;
    return missRatio > 0 ? this.target.capacityPerSec / missRatio : Number.POSITIVE_INFINITY;
  }

  /** Entries held. */
  get size(): number {
    return this.store.size;
  }

  start(): void {
    if (this.prefill > 0) this.warm(this.prefill);
  }

  /** `hitRate`: share of calls (retries included) answered from the cache over the last 1-2 s. */
  gauges(): Record<string, number> {
    return { size: this.store.size, hitRate: this.window.rate(this.sim.now) };
  }

  describe(): Record<string, string> {
    const rate = (x: number) => `${Number(x.toFixed(1))} req/s`;
    return {
      target: this.target.name,
      keys: String(this.popularity.keys),
      popularity: this.popularity.label,
      capacity: `${this.capacity} entries`,
      ...(this.store.label !== "lru" && { eviction: this.store.label }),
      ttl: Number.isFinite(this.ttl) ? `${this.ttl} s` : "none",
      hitLatency: `${this.hitLatency} s`,
      coalesce: String(this.coalesce),
      serveStale: String(this.serveStale),
      ...(this.prefill > 0 && { prefill: String(this.prefill) }),
      expectedHitRate: `${(this.expectedHitRate * 100).toFixed(1)}% (${this.store.name} steady state, before expiry)`,
      advertisedCapacity: rate(this.capacityPerSec),
      hiddenCapacity: rate(this.target.capacityPerSec),
    };
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.arrived++;
    const now = this.sim.now;
    // A retry asks for the key its request missed on (a hit completes its request).
    const request = caller.requestOf(token);
    const known = request >= 0;
    const remembered = known ? this.requestKeys.recall(request, now) : undefined;
    const key = remembered ?? this.popularity.sample(this.rng);
    const expiresAt = this.store.use(key);
    if (expiresAt !== undefined && (now < expiresAt || this.serveStale)) {
      if (now < expiresAt) this.stats.hits++;
      else {
        this.stats.staleServed++;
        const refresh = this.reads.get(key);
        if (refresh === undefined || now > refresh.deadline) this.send(key, deadline, null, 0, true);
      }
      this.window.record(now, true);
      if (this.hitLatency === 0) caller.reply(token, "ok");
      else {
        const hit = this.idleHits.pop() ?? { caller: null, token: 0 };
        hit.caller = caller;
        hit.token = token;
        this.sim.schedule(this.hitLatency, this, HIT, hit);
      }
      return;
    }
    if (expiresAt !== undefined) this.store.delete(key);
    this.stats.misses++;
    this.window.record(now, false);
    if (known && remembered === undefined) this.requestKeys.remember(request, key);
    const shared = this.coalesce ? this.reads.get(key) : undefined;
    // A read past its own deadline may never come back (a database restart): start afresh.
    if (shared !== undefined && now <= shared.deadline) {
      this.stats.coalesced++;
      if (shared.lost) {
        // Counted as joining, as when a lost read was simply never answered: lost along with it.
        caller.reply(token, "lost");
        return;
      }
      shared.callers.push(caller);
      shared.tokens.push(token);
      if (deadline > shared.wantedUntil) shared.wantedUntil = deadline;
      return;
    }
    this.send(key, deadline, caller, token, this.coalesce);
  }

  handleEvent(_kind: number, data: unknown): void {
    const hit = data as Hit;
    const caller = hit.caller!;
    const token = hit.token;
    hit.caller = null;
    this.idleHits.push(hit);
    caller.reply(token, "ok");
  }

  /** The database's answer to read `token`; returns whether any caller still wanted it. */
  reply(token: number, status: ReplyStatus): boolean {
    const read = this.sent.get(token)!;
    this.sent.delete(token);
    if (status === "lost") {
      // Kept in `reads` until its deadline, so later misses for the key still wait on it rather
      // than send a read of their own (as they did when a lost read was merely never answered).
      read.lost = true;
      this.answer(read, "lost");
      return false;
    }
    if (this.reads.get(read.key) === read) this.reads.delete(read.key);
    const wanted = this.sim.now <= read.wantedUntil;
    if (status !== "ok") this.stats.dbErrors++;
    else if (wanted) {
      this.stats.fills++;
      this.put(read.key, this.sim.now + this.ttl);
    }
    this.answer(read, status);
    return wanted;
  }

  /** The cache's own reads belong to no request of its callers. */
  requestOf(_token: number): number {
    return -1;
  }

  /** Empties the cache (reads in flight still fill it when they come back in time). */
  flush(): void {
    this.store.clear();
  }

  /** Fills `fraction` of the capacity with the most popular keys, fresh from now. */
  warm(fraction: number): void {
    checkNumber("fraction", fraction, { min: 0, max: 1 });
    const n = Math.min(Math.round(fraction * this.capacity), this.popularity.keys);
    const expiresAt = this.sim.now + this.ttl;
    // Least popular first, so the hottest keys end up the most recently used.
    for (let key = n; key >= 1; key--) this.put(key, expiresAt);
    this.stats.warmed += n;
  }

  /** Sends a read for `key` on behalf of call `token` of `caller` (null: a background refresh). */
  private send(
    key: number,
    deadline: number,
    caller: Caller | null,
    token: number,
    shareable: boolean,
  ): void {
    const read = new Read(this.nextId++, key, deadline);
    if (caller !== null) {
      read.callers.push(caller);
      read.tokens.push(token);
    } else this.stats.refreshes++;
    this.stats.dbReads++;
    if (shareable) this.reads.set(key, read);
    this.sent.set(read.id, read);
    this.target.accept(this, read.id, deadline);
  }

  // Passes the database's answer on to every miss waiting for `read`.
  private answer(read: Read, status: ReplyStatus): void {
    const { callers, tokens } = read;
    // No miss joins meanwhile: the read has left `reads`, or is marked lost.
    for (let i = 0; i < callers.length; i++) callers[i]!.reply(tokens[i]!, status);
    // A lost read may stay in `reads` a while: let go of its callers.
    callers.length = 0;
    tokens.length = 0;
  }

  private put(key: number, expiresAt: number): void {
    const outcome = this.store.set(key, expiresAt);
    if (outcome === "evicted") this.stats.evictions++;
    else if (outcome === "declined") this.stats.declined++;
  }
}
