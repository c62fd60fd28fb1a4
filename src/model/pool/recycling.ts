import type { RandomStream } from "../../engine/random.js";
import { type OptionsRead, option } from "../options.js";

/** Where a reconnecting connection goes. */
export const RECONNECT_TARGETS = ["same", "random", "leastConnections"] as const;

/** A connection's limit is drawn within this fraction either side of `maxAge` (gRPC's jitter). */
const AGE_JITTER = 0.1;

/** The pool's options for connections the server side recycles, and where reconnects go. */
export const RECYCLING_OPTIONS = {
  maxAge: option.number({
    doc: "Seconds a connection lives before the server side closes it (gRPC's MAX_CONNECTION_AGE, Envoy's max_connection_duration): a busy connection is closed when its call is answered, an idle one when the pool next picks it, and the pool reconnects at once (handshakes included). Each connection's limit is drawn within 10% either side, so connections made together do not close together.",
    default: Number.POSITIVE_INFINITY,
    defaultText: "(never recycled)",
    min: 0,
    exclusiveMin: true,
    unbounded: true,
  }),
  reconnectTo: option.choice({
    doc: 'Backend a reconnecting connection (after any close) connects to: its own ("same"), one drawn at random ("random": a new connection hashes afresh onto the links or hosts), or the one holding the fewest of the pool\'s connections ("leastConnections", as a balancer in front of them would pick).',
    values: RECONNECT_TARGETS,
    default: "same",
  }),
} as const;

type RecyclingSettings = Pick<OptionsRead<typeof RECYCLING_OPTIONS>, "maxAge" | "reconnectTo">;

/**
 * Decides when the server side recycles a connection and which backend a reconnect goes to. Without
 * recycling, connections that failed over stay where they landed: a backend that comes back gets
 * none of them, and the pool stays pinned to the others however overloaded they are.
 */
export class Recycling {
  readonly maxAge: number;
  readonly reconnectTo: (typeof RECONNECT_TARGETS)[number];
  /** The pool's connections on each backend, down or connecting ones included. */
  readonly connections: number[];

  constructor(
    settings: RecyclingSettings,
    backends: number,
    private readonly rng: RandomStream,
  ) {
    this.maxAge = settings.maxAge;
    this.reconnectTo = settings.reconnectTo;
    this.connections = new Array<number>(backends).fill(0);
  }

  /** Time at which a connection made at `now` is recycled (Infinity: never). */
  expiry(now: number): number {
    if (!Number.isFinite(this.maxAge)) return Number.POSITIVE_INFINITY;
    return now + this.maxAge * (1 - AGE_JITTER + 2 * AGE_JITTER * this.rng.next());
  }

  /**
   * The backend a connection now on backend `current` reconnects to; `refused`: its last attempt to
   * connect there failed, so a choosing pool tries another backend (failover).
   */
  reconnect(current: number, refused: boolean): number {
    const n = this.connections.length;
    const count = this.connections;
    count[current]!--;
    let next = current;
    const skip = refused && n > 1 ? current : -1;
    if (this.reconnectTo === "random") {
      next = Math.floor(this.rng.next() * (skip < 0 ? n : n - 1));
      if (skip >= 0 && next >= skip) next++;
    } else if (this.reconnectTo === "leastConnections") {
      next = -1;
      for (let i = 0; i < n; i++) if (i !== skip && (next < 0 || count[i]! < count[next]!)) next = i;
    }
    count[next]!++;
    return next;
  }

  /** Labels for the pool's describe(). */
  describe(): Record<string, string> {
    return {
      maxAge: Number.isFinite(this.maxAge) ? `${this.maxAge} s` : "never",
      reconnectTo: this.reconnectTo,
    };
  }
}
