import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Backoff } from "../backoff/backoff.js";
import { BACKOFFS, createBackoff } from "../backoff/create-backoff.js";
import type { Capabilities, Component, LoadGenerator } from "../component.js";
import { ACQUIRE, hostWithLease, type LeaseHost, type LeaseRequest, RENEW } from "../lease/lease-host.js";
import { OutstandingRequests } from "../lease/outstanding-requests.js";
import { SendPacing } from "../lease/send-pacing.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import type { HoldsDemand, LoopGauge, ShowsLoopState } from "../roles.js";
import type { CompletionListener } from "./client.js";
import type { RequestSink } from "./source.js";

/**
 * What a fleet needs from its client: requests in, and a way to learn how they ended. The client
 * reports completions but not which request completed, so the fleet credits each ending to its
 * oldest outstanding request (see LeaseFleet).
 */
export interface LeaseClient extends RequestSink {
  onCompletion(listener: CompletionListener): void;
  readonly stats: { readonly gaveUp: number };
}

// Each host is an object with its own events: a million already takes hundreds of megabytes.
const MAX_HOSTS = 1_000_000;

/** Options of a lease fleet. Seconds throughout. */
export const LEASE_FLEET_OPTIONS = {
  hosts: option.integer({ doc: "Hosts, each holding one lease.", required: true, min: 1, max: MAX_HOSTS }),
  leaseDuration: option.number({
    doc: "A lease lapses this long after its last successful renewal or acquisition; more than `renewEvery`.",
    required: true,
    min: 0,
    exclusiveMin: true,
  }),
  renewEvery: option.number({
    doc: "Each host renews its lease this often (hosts start evenly staggered over one period).",
    required: true,
    min: 0,
    exclusiveMin: true,
  }),
  renewSpread: option.number({
    doc: "Spread of each renewal interval, as a fraction: the interval is renewEvery x (1 + renewSpread x u), u uniform in [-1, 1). 0: every host keeps its slot for ever.",
    default: 0,
    min: 0,
    max: 0.99,
  }),
  acquireCost: option.integer({
    doc: "Requests a (re-)acquisition takes, sent one after another, each as costly as a renewal (read the owner record, write the new lease, confirm it); all must succeed.",
    default: 3,
    min: 1,
  }),
  acquireBackoff: option.policy(BACKOFFS, {
    doc: "Wait before retrying a failed acquisition (retry n after n consecutive failures).",
    default: { kind: "fixed", delay: 1 },
  }),
} as const;

/** Options of a lease fleet, as its constructor takes them. */
export type LeaseFleetOptions = OptionsInput<typeof LEASE_FLEET_OPTIONS>;

/** Counters a lease fleet keeps. */
export interface LeaseFleetStats {
  /** Renewal slots that came due, with or without a lease to renew: the fleet's renewal demand. */
  due: number;
  /** Renewal requests sent. */
  renewals: number;
  /** Renewals that extended a held lease. */
  renewed: number;
  /** Renewal requests that failed (the client gave up). */
  renewalFailures: number;
  /** Renewals that succeeded after the lease had already lapsed (wasted: the host must re-acquire). */
  lateRenewals: number;
  /** Leases that lapsed. */
  expirations: number;
  /** Acquisition attempts started. */
  acquisitions: number;
  /** Acquisition requests sent (acquireCost per complete acquisition). */
  acquireRequests: number;
  /** Acquisitions that completed: the host holds a lease again. */
  reacquisitions: number;
  /** Acquisition attempts abandoned because one of their requests failed. */
  acquisitionFailures: number;
  /** Requests held back by a rate limit before being sent. */
  throttled: number;
  /** Completions or give-ups of the client with no outstanding fleet request to credit (the client has other users). */
  unattributed: number;
}

const TICK = 0;
const EXPIRE = 1;
const START_ACQUIRE = 2;
const NEXT_STEP = 3;
const SEND = 4;

/**
 * Hosts that each hold a lease in a lease store and renew it periodically through a client (EC2's
 * DropletWorkflow Manager keeping leases on hypervisors in DynamoDB). A lease not renewed within
 * `leaseDuration` lapses, and the host must re-acquire it, which costs `acquireCost` requests.
 * After an outage every lease has lapsed at once, and the fleet offers several times its normal load.
 *
 * The client reports completions without saying which request completed, so the fleet credits
 * each completion, and each give-up (read from the client's counter), to its oldest outstanding
 * request. Hosts are interchangeable, so the counts are exact; only which host gets the credit
 * may differ from a per-request answer. The client should serve this fleet alone.
 */
export class LeaseFleet
  implements Handler, Component, Capabilities, LoadGenerator, HoldsDemand, ShowsLoopState
{
  readonly type = "leaseFleet";
  readonly loopGauges: readonly LoopGauge[] = [
    { gauge: "renewalLatency", label: "lease request latency", unit: "s", bad: "high" },
    { gauge: "hostsWithLease", label: "hosts holding a lease", unit: "hosts", bad: "low", sustains: true },
  ];
  readonly healthyShareLabel = "hosts holding a lease";
  readonly stats: LeaseFleetStats = {
    due: 0,
    renewals: 0,
    renewed: 0,
    renewalFailures: 0,
    lateRenewals: 0,
    expirations: 0,
    acquisitions: 0,
    acquireRequests: 0,
    reacquisitions: 0,
    acquisitionFailures: 0,
    throttled: 0,
    unattributed: 0,
  };
  readonly hosts: number;
  readonly leaseDuration: number;
  readonly renewEvery: number;
  readonly renewSpread: number;
  readonly acquireCost: number;
  readonly acquireBackoff: Backoff;
  private readonly outstanding = new OutstandingRequests<LeaseRequest>();
  private readonly pacing = new SendPacing();
  private readonly jitterRng: RandomStream;
  private readonly backoffRng: RandomStream;
  private holdingCount = 0;
  private started = false;
  // A request the client gave up on, credited as the oldest outstanding (see OutstandingRequests).
  private readonly gaveUp = (token: LeaseRequest | undefined): void => {
    if (token === undefined) this.stats.unattributed++;
    else this.failed(token);
  };

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly client: LeaseClient,
    options: LeaseFleetOptions,
  ) {
    const o = readOptions(LEASE_FLEET_OPTIONS, options);
    this.hosts = o.hosts;
    this.renewEvery = o.renewEvery;
    this.leaseDuration = o.leaseDuration;
    if (this.leaseDuration <= this.renewEvery) {
      throw new OptionError(
        ["leaseDuration"],
        `expected more than renewEvery (${this.renewEvery}), or every lease lapses between two renewals; got ${this.leaseDuration}`,
      );
    }
    this.renewSpread = o.renewSpread;
    this.acquireCost = o.acquireCost;
    this.acquireBackoff = within(["acquireBackoff"], () => createBackoff(o.acquireBackoff));
    this.jitterRng = sim.stream(`leaseFleet:${name}:jitter`);
    this.backoffRng = sim.stream(`leaseFleet:${name}:backoff`);
    client.onCompletion(() => this.onCompletion());
  }

  /** Hosts holding a lease now. */
  get hostsWithLease(): number {
    return this.holdingCount;
  }

  /** Share of hosts holding a lease: the fleet is healthy when most do. */
  get healthyShare(): number {
    return this.holdingCount / this.hosts;
  }

  /** Renewals that extended a held lease: the demand it satisfied (acquisition steps are not goodput). */
  satisfiedSoFar(): number {
    return this.stats.renewed;
  }

  /** The client its requests go to. */
  get feeds(): string {
    return this.client.name;
  }

  /** The client it renews through: that client's completions are the fleet's own steps. */
  get callsThrough(): readonly string[] {
    return [this.client.name];
  }

  /** Requests sent and not yet ended. */
  get outstandingRequests(): number {
    return this.outstanding.length;
  }

  /** Every host starts holding a fresh lease; renewals are staggered evenly over one period. */
  start(): void {
    if (this.started) throw new Error(`lease fleet ${this.name} already started`);
    this.started = true;
    for (let i = 0; i < this.hosts; i++) {
      const host = hostWithLease(this.leaseDuration);
      host.expiry = this.sim.schedule(this.leaseDuration, this, EXPIRE, host);
      this.holdingCount++;
      this.sim.schedule(((i + 1) * this.renewEvery) / this.hosts, this, TICK, host);
    }
  }

  // The fleet's demand is one renewal per host per period, whether or not the host holds a lease:
  // acquisition steps and retries after an expiry are the storm, not demand.
  offeredSoFar(): number {
    return this.stats.due;
  }

  plannedRate(): number {
    return this.hosts / this.renewEvery;
  }

  plannedRateJustBefore(): number {
    return this.hosts / this.renewEvery;
  }

  gauges(): Record<string, number> {
    return {
      hostsWithLease: this.holdingCount,
      expiredHosts: this.hosts - this.holdingCount,
      inFlight: this.outstanding.length,
      // The loop-state observable of a renewal storm.
      renewalLatency: this.outstanding.latency(this.sim.now),
    };
  }

  describe(): Record<string, string> {
    return {
      target: this.client.name,
      hosts: String(this.hosts),
      leaseDuration: `${this.leaseDuration} s`,
      renewEvery: `${this.renewEvery} s${this.renewSpread > 0 ? ` ±${this.renewSpread * 100}%` : ""}`,
      renewalDemand: `${Number((this.hosts / this.renewEvery).toFixed(3))} req/s`,
      acquireCost: `${this.acquireCost} requests`,
      acquireBackoff: this.acquireBackoff.label,
    };
  }

  /**
   * Caps the requests the fleet sends per second (how AWS calmed DWFM by hand): requests over the
   * cap are held and go out in order, skipping any that went stale meanwhile. null removes the cap;
   * requests already held keep their slots.
   */
  setRateLimit(perSecond: number | null): void {
    const limit =
      perSecond === null ? null : checkNumber("perSecond", perSecond, { min: 0, exclusiveMin: true });
    this.pacing.set(limit, this.sim.now);
  }

  handleEvent(kind: number, data: unknown): void {
    this.settleGiveUps();
    switch (kind) {
      case TICK:
        this.tick(data as LeaseHost);
        break;
      case EXPIRE:
        this.expire(data as LeaseHost);
        break;
      case START_ACQUIRE:
        this.startAcquire(data as LeaseHost);
        break;
      case NEXT_STEP:
        this.sendStep(data as LeaseHost);
        break;
      default:
        this.release(data as LeaseRequest);
    }
  }

  private tick(host: LeaseHost): void {
    this.stats.due++;
    if (host.holding && !host.renewing) {
      host.renewing = true;
      this.stats.renewals++;
      this.send({ host, kind: RENEW, epoch: host.epoch, sentAt: 0 });
    }
    const u = this.renewSpread > 0 ? 2 * this.jitterRng.next() - 1 : 0;
    this.sim.schedule(this.renewEvery * (1 + this.renewSpread * u), this, TICK, host);
  }

  private expire(host: LeaseHost): void {
    host.holding = false;
    host.renewing = false;
    host.epoch++;
    this.holdingCount--;
    this.stats.expirations++;
    this.startAcquire(host);
  }

  private startAcquire(host: LeaseHost): void {
    this.stats.acquisitions++;
    host.step = 0;
    this.sendStep(host);
  }

  private sendStep(host: LeaseHost): void {
    this.stats.acquireRequests++;
    this.send({ host, kind: ACQUIRE, epoch: host.epoch, sentAt: 0 });
  }

  private send(token: LeaseRequest): void {
    const slot = this.pacing.slot(this.sim.now);
    if (slot > this.sim.now) {
      this.stats.throttled++;
      this.sim.scheduleAt(slot, this, SEND, token);
      return;
    }
    this.release(token);
  }

  /** Sends a request now, unless it went stale while held back by the rate limit. */
  private release(token: LeaseRequest): void {
    if (token.epoch !== token.host.epoch) return;
    this.outstanding.sent(token, this.sim.now);
    this.client.request();
    // An unreachable store fails every attempt at once: the give-up has already happened.
    this.settleGiveUps();
  }

  private onCompletion(): void {
    this.settleGiveUps();
    const token = this.outstanding.completed(this.sim.now);
    if (token === undefined) {
      this.stats.unattributed++;
      return;
    }
    const host = token.host;
    if (token.epoch !== host.epoch) {
      if (token.kind === RENEW) this.stats.lateRenewals++;
      return;
    }
    if (token.kind === RENEW) {
      host.renewing = false;
      this.stats.renewed++;
      host.failures = 0;
      this.grant(host);
      return;
    }
    host.step++;
    if (host.step < this.acquireCost) {
      // Sent from an event, not from inside the client's completion callback.
      this.sim.schedule(0, this, NEXT_STEP, host);
      return;
    }
    host.step = -1;
    host.holding = true;
    host.failures = 0;
    this.holdingCount++;
    this.stats.reacquisitions++;
    this.grant(host);
  }

  private grant(host: LeaseHost): void {
    host.leaseUntil = this.sim.now + this.leaseDuration;
    this.sim.cancel(host.expiry);
    host.expiry = this.sim.schedule(this.leaseDuration, this, EXPIRE, host);
  }

  /** Credits the client's new give-ups to the oldest outstanding requests. */
  private settleGiveUps(): void {
    this.outstanding.settleGiveUps(this.client.stats.gaveUp, this.gaveUp);
  }

  private failed(token: LeaseRequest): void {
    const host = token.host;
    if (token.epoch !== host.epoch) return;
    if (token.kind === RENEW) {
      // The lease still runs until it lapses; the next slot tries again.
      host.renewing = false;
      this.stats.renewalFailures++;
      return;
    }
    this.stats.acquisitionFailures++;
    host.epoch++;
    host.step = -1;
    host.failures++;
    const delay = this.acquireBackoff.delay(host.failures, host.lastDelay, this.backoffRng);
    host.lastDelay = delay;
    this.sim.schedule(delay, this, START_ACQUIRE, host);
  }
}
