import { EventQueue } from "./event-queue.js";
import { createStream, type RandomStream } from "./random.js";

/**
 * Anything that can receive a scheduled event. `kind` (an integer that fits in 32 bits) lets one
 * component tell its own event types apart without allocating a closure per event; `data` is
 * whatever was passed to `schedule`.
 */
export interface Handler {
  handleEvent(kind: number, data: unknown): void;
}

/** Opaque reference to a scheduled event, used to cancel it. */
export type EventHandle = number;

/** Why `run` returned. Budgets are the two ways a runaway model is stopped. */
export type StopReason = "until" | "idle" | "event-budget" | "wall-budget";

/** Limits on one call to `run`. Times are in simulated seconds. */
export interface RunOptions {
  /** Stop before the first event later than this time; the clock is then set to it (if later than now). Default: no limit. */
  until?: number;
  /** Stop after this many events have run in total. Default: no limit. */
  maxEvents?: number;
  /** Stop after this much wall-clock time (seconds) inside this call. Default: no limit. */
  maxWallSeconds?: number;
}

/** What one call to `run` did. */
export interface RunStatus {
  reason: StopReason;
  /** Simulated time when the run stopped. */
  now: number;
  /** Total events run by this simulation so far. */
  events: number;
}

/** Options of a simulation. */
export interface SimulationOptions {
  /** Root seed every named random stream derives from. Default: 1. */
  seed?: number;
  /** Wall clock in milliseconds, for the wall-clock budget. Default: `performance.now`. */
  clock?: () => number;
}

// Handles pack a slot index and a generation; the generation makes a stale handle harmless.
const SLOT_BITS = 2 ** 26;
const GENERATIONS = 2 ** 27;
// The handle of an event at time Infinity, which is never scheduled: no slot has it.
const NEVER: EventHandle = -1;
// How many events run between two reads of the wall clock.
const WALL_CHECK_EVERY = 4096;
// Cancelled events are dropped from the heap once they outnumber the live ones and this many:
// memory and heap depth then follow the pending work, not rate x timeout, and each compaction
// (linear in the heap) is paid for by at least as many cancels since the last one.
const COMPACT_MIN = 1024;

/**
 * The discrete-event kernel: a clock, the pending-event list and the named random streams.
 * It knows nothing about requests, servers or metrics.
 */
export class Simulation {
  /** Current simulated time in seconds. */
  now = 0;
  /** Root seed of every random stream. */
  readonly seed: number;
  private readonly queue = new EventQueue();
  // Per-slot tables; a slot is free while its handler is null and it is on the free stack.
  private handlers: (Handler | null)[] = [];
  // Kinds are integers: kept as such, the run loop passes them on without converting a double.
  private kinds = new Int32Array(0);
  private data: unknown[] = [];
  private generations = new Int32Array(0);
  private freeSlots = new Int32Array(0);
  private freeCount = 0;
  private live = 0;
  private processed = 0;
  private lastId = 0;
  private readonly streams = new Map<string, RandomStream>();
  private readonly clock: () => number;

  constructor(options: SimulationOptions = {}) {
    const seed = options.seed ?? 1;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    }
    this.seed = seed;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Number of scheduled events that have not run and were not cancelled. */
  get pending(): number {
    return this.live;
  }

  /**
   * Entries in the pending-event list, including cancelled ones not yet dropped: what its memory
   * follows. Cancelled entries are dropped once they outnumber the live ones (and 1,024).
   */
  get queued(): number {
    return this.queue.size;
  }

  /** Total number of events run so far. */
  get events(): number {
    return this.processed;
  }

  /**
   * A number no other call in this simulation returns (1, 2, 3, ...): identities that must not
   * collide across components, such as request numbers that pass through a shared balancer.
   */
  uniqueId(): number {
    return ++this.lastId;
  }

  /**
   * The random stream called `name`, derived from the root seed and the name only. Each name can
   * be taken once, so two consumers never share (and perturb) one stream.
   */
  stream(name: string): RandomStream {
    if (this.streams.has(name)) throw new Error(`random stream "${name}" is already taken`);
    const s = createStream(this.seed, name);
    this.streams.set(name, s);
    return s;
  }

  /**
   * Schedules `handler.handleEvent(kind, data)` after `delay` seconds (>= 0). A delay so long that
   * the time overflows to Infinity (a service slowed by a factor of 1e308) never comes: nothing is
   * scheduled and the handle returned cancels nothing.
   */
  schedule(delay: number, handler: Handler, kind = 0, data?: unknown): EventHandle {
    if (!(delay >= 0)) throw new RangeError(`delay must be a number >= 0, got ${delay}`);
    return this.insert(this.now + delay, handler, kind, data);
  }

  /** Schedules an event at absolute time `time` (>= now); at Infinity, never (see `schedule`). */
  scheduleAt(time: number, handler: Handler, kind = 0, data?: unknown): EventHandle {
    if (!(time >= this.now)) throw new RangeError(`cannot schedule at ${time}, before now (${this.now})`);
    return this.insert(time, handler, kind, data);
  }

  /** Cancels a scheduled event in O(1); returns false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    const gen = Math.floor(handle / SLOT_BITS);
    if (slot >= this.handlers.length || this.generations[slot] !== gen || this.handlers[slot] === null)
      return false;
    // The heap entry stays and is skipped when it surfaces, or dropped when cancelled entries
    // dominate the heap: cheaper than removing each one now.
    this.handlers[slot] = null;
    this.data[slot] = undefined;
    this.live--;
    const cancelled = this.queue.size - this.live;
    if (cancelled > COMPACT_MIN && cancelled > this.live) this.compact();
    return true;
  }

  /** Drops every cancelled entry from the heap and frees its slot. */
  private compact(): void {
    const handlers = this.handlers;
    this.queue.retain((slot) => {
      if (handlers[slot] !== null) return true;
      this.release(slot);
      return false;
    });
  }

  /**
   * Runs events in (time, scheduling order) until the queue is empty, `until` is reached, or a
   * budget is exhausted. Can be called again to continue.
   */
  run(options: RunOptions = {}): RunStatus {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    const wallLimitMs =
      options.maxWallSeconds === undefined ? Number.POSITIVE_INFINITY : options.maxWallSeconds * 1000;
    if (Number.isNaN(until) || !(maxEvents >= 0) || !(wallLimitMs >= 0)) {
      throw new RangeError("run: until, maxEvents and maxWallSeconds must be numbers >= 0");
    }
    const startWall = wallLimitMs === Number.POSITIVE_INFINITY ? 0 : this.clock();
    const queue = this.queue;
    const handlers = this.handlers;
    const data = this.data;
    let sinceWallCheck = 0;
    while (queue.size > 0) {
      const time = queue.peekTime();
      if (time > until) {
        // An `until` already in the past leaves the clock alone: time never goes backwards.
        if (until > this.now) this.now = until;
        return this.status("until");
      }
      const slot = queue.peekSlot();
      const handler = handlers[slot]!;
      if (handler === null) {
        queue.pop();
        this.release(slot);
        continue;
      }
      // Checked before the pop, so a later call resumes exactly here.
      if (this.processed >= maxEvents) return this.status("event-budget");
      queue.pop();
      // Read through `this`: a handler that schedules may have grown the table.
      const kind = this.kinds[slot]!;
      const payload = data[slot];
      this.release(slot);
      this.live--;
      this.now = time;
      this.processed++;
      handler.handleEvent(kind, payload);
      if (++sinceWallCheck === WALL_CHECK_EVERY) {
        sinceWallCheck = 0;
        if (wallLimitMs !== Number.POSITIVE_INFINITY && this.clock() - startWall > wallLimitMs) {
          return this.status("wall-budget");
        }
      }
    }
    if (until !== Number.POSITIVE_INFINITY && until > this.now) this.now = until;
    return this.status(until === Number.POSITIVE_INFINITY ? "idle" : "until");
  }

  private status(reason: StopReason): RunStatus {
    return { reason, now: this.now, events: this.processed };
  }

  private insert(time: number, handler: Handler, kind: number, data: unknown): EventHandle {
    if (!(time < Number.POSITIVE_INFINITY)) {
      if (time === Number.POSITIVE_INFINITY) return NEVER;
      throw new RangeError(`event time must be finite, got ${time}`);
    }
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount]! : this.newSlot();
    this.handlers[slot] = handler;
    this.kinds[slot] = kind;
    this.data[slot] = data;
    this.live++;
    this.queue.push(time, slot);
    return this.generations[slot]! * SLOT_BITS + slot;
  }

  private release(slot: number): void {
    this.handlers[slot] = null;
    this.data[slot] = undefined;
    this.generations[slot] = (this.generations[slot]! + 1) % GENERATIONS;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** A slot never used before; the typed tables double when full. */
  private newSlot(): number {
    const slot = this.handlers.length;
    if (slot >= SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} pending events`);
    if (slot === this.kinds.length) {
      const n = Math.max(1024, 2 * slot);
      const kinds = new Int32Array(n);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const generations = new Int32Array(n);
      generations.set(this.generations);
      this.generations = generations;
      // Every slot is free at most once, so the free stack never needs more room than the slots.
      const free = new Int32Array(n);
      free.set(this.freeSlots.subarray(0, this.freeCount));
      this.freeSlots = free;
    }
    this.handlers.push(null);
    this.data.push(undefined);
    return slot;
  }
}
