import type { EventHandle } from "../../engine/simulation.js";

/** One host of a lease fleet: its lease, and the renewal or acquisition it has under way. */
export interface LeaseHost {
  holding: boolean;
  leaseUntil: number;
  expiry: EventHandle;
  /** Bumped when the lease lapses or an acquisition is abandoned: older requests become stale. */
  epoch: number;
  renewing: boolean;
  /** Requests of the current acquisition that succeeded; -1 when not acquiring. */
  step: number;
  /** Consecutive failed acquisitions (the backoff's retry number). */
  failures: number;
  /** The backoff's last delay. */
  lastDelay: number;
}

/** A host that holds a fresh lease until `leaseUntil` (its expiry not yet scheduled). */
export function hostWithLease(leaseUntil: number): LeaseHost {
  return {
    holding: true,
    leaseUntil,
    expiry: 0,
    epoch: 0,
    renewing: false,
    step: -1,
    failures: 0,
    lastDelay: 0,
  };
}

/** A request that renews a held lease. */
export const RENEW = 0;
/** One of the requests that acquire a lapsed lease. */
export const ACQUIRE = 1;

/** One request sent for a host, of the host's epoch when it was made. */
export interface LeaseRequest {
  readonly host: LeaseHost;
  readonly kind: typeof RENEW | typeof ACQUIRE;
  readonly epoch: number;
  /** When the request went to the client (after any rate-limit hold). */
  sentAt: number;
}
