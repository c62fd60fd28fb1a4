import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Backoff } from "../backoff/backoff.js";
import { BACKOFFS, createBackoff } from "../backoff/create-backoff.js";
import type { Caller, ReplyStatus, Service } from "../call.js";
import type { Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { type Connection, NO_TIMER, WireTable } from "../pool/connection.js";
import type { ConnectionSelection } from "../pool/connection-selection.js";
import { createSelection, SELECTIONS } from "../pool/create-selection.js";
import { RECYCLING_OPTIONS, Recycling } from "../pool/recycling.js";
import { HeldCall } from "../queue/call-queue.js";
import { FifoQueue } from "../queue/fifo-queue.js";
import type { HoldsQueue } from "../roles.js";
import { ServiceFront } from "../service-front.js";

// Connections are created up front, one object each.
const MAX_SIZE = 1_000_000;

/** Options of a connection pool. Seconds throughout. */
export const CONNECTION_POOL_OPTIONS = {
  size: option.integer({
    doc: "Connections, spread round robin over the backends (connection i uses backend i mod n); at least one per backend.",
    max: MAX_SIZE,
    defaultText: "4 per backend",
  }),
  selection: option.policy(SELECTIONS, {
    doc: "Which idle connection a call takes: the one released last (`mru`) or first (`lru`).",
    default: { kind: "mru" },
  }),
  reconnectCost: option.integer({
    doc: "Handshake calls a new connection sends its backend, one after another, before it carries calls; each costs the backend one service time (TLS, auth). 0: connecting is free.",
    default: 1,
    min: 0,
  }),
  connectTimeout: option.number({
    doc: "Longest wait for one handshake call; past it the connection attempt has failed.",
    default: 1,
    min: 0,
    exclusiveMin: true,
  }),
  closeOnTimeout: option.boolean({
    doc: "Close a connection whose call passed its deadline: the backend still does the work, nobody reads it, and the connection is re-established. false: keep it busy until the late answer.",
    default: true,
  }),
  closeOnError: option.boolean({
    doc: "Close a connection whose call was answered with an error.",
    default: true,
  }),
  reconnectBackoff: option.policy(BACKOFFS, {
    doc: "Wait before reconnect attempt n, where n counts the connection's consecutive failures (the call that closed it, then failed handshakes; a call answered \"ok\" resets it). A reconnect is always a scheduled event, but a zero delay against an unreachable backend spins until the run's event budget stops it.",
    default: { kind: "fixed", delay: 0.1 },
  }),
  queueCapacity: option.integer({
    doc: 'Calls that may wait for a free connection; one more is answered "rejected".',
    default: Number.POSITIVE_INFINITY,
    min: 0,
    unbounded: true,
  }),
  ...RECYCLING_OPTIONS,
} as const;

/** Options of a connection pool, as its constructor takes them. */
export type ConnectionPoolOptions = OptionsInput<typeof CONNECTION_POOL_OPTIONS>;

/** Counters a pool keeps; `dispatched.<backend>` counts calls sent over each backend's connections. */
export interface ConnectionPoolStats {
  /** Calls received. */
  received: number;
  /** Calls sent over a connection. */
  dispatched: number;
  /** Calls answered "ok" by their backend. */
  ok: number;
  /** Calls answered with an error by their backend. */
  failed: number;
  /** Calls whose deadline passed while on a connection (answered "expired"). */
  timedOut: number;
  /** Calls whose deadline passed while waiting for a connection (answered "expired", never sent). */
  expired: number;
  /** Calls refused because `queueCapacity` calls were already waiting. */
  rejected: number;
  /** Connections closed after a timeout or an error. */
  closed: number;
  /** Handshake calls sent. */
  handshakes: number;
  /** Connection attempts that failed (a handshake answered with an error or timed out). */
  connectFailures: number;
  /** Connections re-established. */
  reconnects: number;
  /** Connections the server side closed at their age limit (`maxAge`). */
  recycled: number;
  [perBackend: `dispatched.${string}`]: number;
}

const TIMEOUT = 0;
const RECONNECT = 1;

/**
 * A fixed set of connections in front of one or more backends (servers, or the links to them).
 * A call takes an idle connection chosen by the selection policy, or waits for one. A connection
 * whose call times out or fails is closed and re-established with handshake calls that cost the
 * backend work: under overload, reconnecting adds load exactly when there is none to spare.
 */
export class ConnectionPool implements Handler, Caller, Service, Component, HoldsQueue {
  readonly type = "pool";
  readonly stats: ConnectionPoolStats;
  readonly backends: readonly Service[];
  readonly size: number;
  readonly reconnectCost: number;
  readonly connectTimeout: number;
  readonly closeOnTimeout: boolean;
  readonly closeOnError: boolean;
  readonly reconnectBackoff: Backoff;
  readonly queueCapacity: number;
  private readonly selection: ConnectionSelection<Connection>;
  // Calls wait for a connection in arrival order.
  private readonly front: ServiceFront<ConnectionPoolStats>;
  // Where `pump` takes a waiting call into; read at once, since a reply may re-enter.
  private readonly taken = new HeldCall();
  private readonly wires = new WireTable();
  private readonly busyPerBackend: number[];
  private readonly dispatchedKeys: `dispatched.${string}`[];
  private readonly rng: RandomStream;
  private readonly recycling: Recycling;
  private busy = 0;
  private down = 0;
  private pumping = false;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    backends: readonly Service[],
    options: ConnectionPoolOptions = {},
  ) {
    if (backends.length === 0) throw new OptionError(["backends"], "expected at least one backend");
    backends.forEach((b, i) => {
      if (backends.indexOf(b) !== i) throw new OptionError(["backends", i], `"${b.name}" is listed twice`);
    });
    this.backends = [...backends];
    const o = readOptions(CONNECTION_POOL_OPTIONS, options);
    this.size = checkNumber("size", o.size ?? 4 * backends.length, {
      min: backends.length,
      max: MAX_SIZE,
      integer: true,
    });
    this.reconnectCost = o.reconnectCost;
    this.connectTimeout = o.connectTimeout;
    this.closeOnTimeout = o.closeOnTimeout;
    this.closeOnError = o.closeOnError;
    this.queueCapacity = o.queueCapacity;
    this.reconnectBackoff = within(["reconnectBackoff"], () => createBackoff(o.reconnectBackoff));
    this.selection = within(["selection"], () => createSelection<Connection>(o.selection));
    this.rng = sim.stream(`pool:${name}:reconnect`);
    this.recycling = new Recycling(o, backends.length, sim.stream(`pool:${name}:recycle`));
    const stats: ConnectionPoolStats = {
      received: 0,
      dispatched: 0,
      ok: 0,
      failed: 0,
      timedOut: 0,
      expired: 0,
      rejected: 0,
      closed: 0,
      handshakes: 0,
      connectFailures: 0,
      reconnects: 0,
      recycled: 0,
    };
    this.dispatchedKeys = backends.map((b) => `dispatched.${b.name}` as const);
    for (const key of this.dispatchedKeys) stats[key] = 0;
    this.stats = stats;
    this.front = new ServiceFront(sim, stats, new FifoQueue(), { queueCapacity: o.queueCapacity });
    this.busyPerBackend = backends.map(() => 0);
    // The pool starts warm: every connection is established and idle, in index order.
    for (let i = 0; i < this.size; i++) {
      const backendIndex = i % backends.length;
      this.recycling.connections[backendIndex]!++;
      this.selection.release({
        backend: backends[backendIndex]!,
        backendIndex,
        expiresAt: this.recycling.expiry(0),
        refused: false,
        failures: 0,
        lastDelay: 0,
        step: 0,
      });
    }
  }

  /** Requests per second the backends can serve together. */
  get capacityPerSec(): number {
    return this.backends.reduce((sum, b) => sum + b.capacityPerSec, 0);
  }

  /** Calls waiting for a connection (the queue it holds). */
  get queueLength(): number {
    return this.front.length;
  }

  gauges(): Record<string, number> {
    const g: Record<string, number> = {
      idle: this.selection.length,
      busy: this.busy,
      down: this.down,
      waiting: this.front.length,
    };
    const moving = this.recycling.reconnectTo !== "same";
    this.backends.forEach((b, i) => {
      g[`busy.${b.name}`] = this.busyPerBackend[i]!;
      // Connections move between backends only when reconnects choose afresh.
      if (moving) g[`connections.${b.name}`] = this.recycling.connections[i]!;
    });
    return g;
  }

  describe(): Record<string, string> {
    return {
      backends: this.backends.map((b) => b.name).join(", "),
      size: String(this.size),
      selection: this.selection.label,
      reconnectCost: `${this.reconnectCost} handshake call(s)`,
      connectTimeout: `${this.connectTimeout} s`,
      closeOn:
        [this.closeOnTimeout && "timeout", this.closeOnError && "error"].filter(Boolean).join(", ") ||
        "nothing",
      reconnectBackoff: this.reconnectBackoff.label,
      queueCapacity: this.front.capacityLabel,
      ...this.recycling.describe(),
    };
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.received++;
    if (this.front.admit(caller, token, deadline, this.selection.length > 0)) this.pump();
  }

  handleEvent(kind: number, data: unknown): void {
    if (kind === TIMEOUT) this.onTimeout(data as number);
    else this.connect(data as Connection);
  }

  /** The backend's answer on wire `token`; returns whether the caller still wanted it. */
  reply(token: number, status: ReplyStatus): boolean {
    const wire = this.wires.get(token);
    if (status === "lost") {
      // As if no answer came: the wire's timeout, if any, still acts as it would have.
      if (wire.timer === NO_TIMER) this.wires.release(token);
      else wire.lost = true;
      return false;
    }
    // An answer after the wire's timeout closed its connection or failed its handshake: nobody reads it.
    if (!wire.open) {
      this.wires.release(token);
      return false;
    }
    this.sim.cancel(wire.timer);
    const conn = wire.connection!;
    const caller = wire.caller;
    const callerToken = wire.callerToken;
    const late = wire.late;
    // Freed before anything can re-enter and send another call.
    this.wires.release(token);
    if (caller === null) {
      if (status === "ok") this.handshakeDone(conn);
      else this.connectFailed(conn);
      return true;
    }
    this.finishBusy(conn);
    if (status === "ok") conn.failures = 0;
    if (status !== "ok" && this.closeOnError) this.close(conn);
    else this.release(conn);
    // A kept connection's late answer: the caller was told "expired" at its deadline.
    if (late) return false;
    this.stats[status === "ok" ? "ok" : "failed"]++;
    return caller.reply(callerToken, status);
  }

  requestOf(token: number): number {
    return this.wires.get(token).request;
  }

  private onTimeout(token: number): void {
    const wire = this.wires.get(token);
    wire.timer = NO_TIMER;
    const conn = wire.connection!;
    const caller = wire.caller;
    const callerToken = wire.callerToken;
    if (caller === null) {
      // The backend may still do the handshake; nobody will read it.
      wire.open = false;
      if (wire.lost) this.wires.release(token);
      this.connectFailed(conn);
      return;
    }
    this.stats.timedOut++;
    if (this.closeOnTimeout) {
      wire.open = false;
      if (wire.lost) this.wires.release(token);
      this.finishBusy(conn);
      this.close(conn);
    } else {
      wire.late = true;
      // A lost call's late answer never comes; the connection stays busy, as it always did.
      if (wire.lost) this.wires.release(token);
    }
    caller.reply(callerToken, "expired");
  }

  /** Hands idle connections to waiting calls; a loop, so a backend that answers at once does not recurse. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const taken = this.taken;
    while (this.selection.length > 0 && this.front.take(taken)) {
      const caller = taken.caller!;
      const token = taken.token;
      const deadline = taken.deadline;
      // At its deadline too: sent now, it would time out at once.
      if (this.sim.now >= deadline) {
        this.front.expire(caller, token);
        continue;
      }
      this.dispatch(this.selection.take()!, caller, token, deadline);
    }
    this.pumping = false;
  }

  private dispatch(conn: Connection, caller: Caller, callerToken: number, deadline: number): void {
    this.busy++;
    this.busyPerBackend[conn.backendIndex]!++;
    this.stats.dispatched++;
    const key = this.dispatchedKeys[conn.backendIndex]!;
    this.stats[key] = this.stats[key]! + 1;
    const token = this.wires.open(conn, caller, callerToken);
    if (Number.isFinite(deadline))
      this.wires.get(token).timer = this.sim.scheduleAt(deadline, this, TIMEOUT, token);
    conn.backend.accept(this, token, deadline);
  }

  private finishBusy(conn: Connection): void {
    this.busy--;
    this.busyPerBackend[conn.backendIndex]!--;
  }

  private release(conn: Connection): void {
    if (this.sim.now >= conn.expiresAt) {
      this.recycle(conn);
      return;
    }
    this.selection.release(conn);
    this.pump();
  }

  private close(conn: Connection): void {
    this.stats.closed++;
    this.down++;
    conn.failures++;
    this.scheduleReconnect(conn);
  }

  /** The server side closes `conn` at its age limit; the pool reconnects it at once. */
  private recycle(conn: Connection): void {
    this.stats.recycled++;
    this.down++;
    this.sim.schedule(0, this, RECONNECT, conn);
  }

  private scheduleReconnect(conn: Connection): void {
    const delay = this.reconnectBackoff.delay(conn.failures, conn.lastDelay, this.rng);
    conn.lastDelay = delay;
    this.sim.schedule(delay, this, RECONNECT, conn);
  }

  private connect(conn: Connection): void {
    conn.step = 0;
    if (this.recycling.reconnectTo !== "same") {
      conn.backendIndex = this.recycling.reconnect(conn.backendIndex, conn.refused);
      conn.backend = this.backends[conn.backendIndex]!;
    }
    conn.refused = false;
    if (this.reconnectCost === 0) this.connected(conn);
    else this.sendHandshake(conn);
  }

  private sendHandshake(conn: Connection): void {
    this.stats.handshakes++;
    const token = this.wires.open(conn, null, 0);
    this.wires.get(token).timer = this.sim.schedule(this.connectTimeout, this, TIMEOUT, token);
    conn.backend.accept(this, token, this.sim.now + this.connectTimeout);
  }

  private handshakeDone(conn: Connection): void {
    conn.step++;
    if (conn.step >= this.reconnectCost) this.connected(conn);
    else this.sendHandshake(conn);
  }

  private connectFailed(conn: Connection): void {
    this.stats.connectFailures++;
    conn.refused = true;
    conn.failures++;
    this.scheduleReconnect(conn);
  }

  private connected(conn: Connection): void {
    this.stats.reconnects++;
    conn.expiresAt = this.recycling.expiry(this.sim.now);
    this.down--;
    this.release(conn);
  }
}
