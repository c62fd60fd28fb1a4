import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { EventHandle, Handler, Simulation } from "../../engine/simulation.js";
import type { Capabilities, Component, LoadGenerator } from "../component.js";
import { createProfile, type LoadProfile, type ProfileSpec } from "./profile.js";

/** Something that turns an arrival into a request: a client. */
export interface RequestSink {
  readonly name: string;
  /** A new external request arrives now. */
  request(): void;
}

/** How arrivals are spaced for a given rate. */
export type ArrivalProcess =
  /** Deterministic: the next arrival comes when exactly one request's worth of load has accrued. */
  | "even"
  /** A (non-homogeneous) Poisson process: exponential amounts of load between arrivals. */
  | "poisson";

/** Options of a load source. Times in seconds, rates in requests per second. */
export interface SourceOptions {
  /** The rate of offered load over time. Required. */
  profile: ProfileSpec;
  /** Arrival spacing. Default: "poisson". */
  arrivals?: ArrivalProcess;
  /** No arrivals at or after this time. Default: Infinity (the scenario sets its duration). */
  until?: number;
}

/** Counters a source keeps. */
export interface SourceStats {
  /** Requests generated so far. */
  arrivals: number;
}

/** Open-loop load: generates external requests that do not wait for earlier ones. */
export class Source implements Handler, Component, Capabilities, LoadGenerator {
  readonly type = "source";
  readonly profile: LoadProfile;
  readonly arrivals: ArrivalProcess;
  readonly until: number;
  readonly stats: SourceStats = { arrivals: 0 };
  private readonly rng: RandomStream;
  private started = false;
  private factor = 1;
  // The pending arrival comes when `remaining` more (scaled) load has accrued after `anchor`.
  private anchor = 0;
  private remaining = 0;
  private pending: EventHandle | null = null;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly target: RequestSink,
    options: SourceOptions,
  ) {
    this.profile = within(["profile"], () => createProfile(options.profile));
    this.arrivals = options.arrivals ?? "poisson";
    if (this.arrivals !== "even" && this.arrivals !== "poisson") {
      throw new OptionError(
        ["arrivals"],
        `expected "even" or "poisson", got ${JSON.stringify(this.arrivals)}`,
      );
    }
    this.until =
      options.until === undefined
        ? Number.POSITIVE_INFINITY
        : checkNumber("until", options.until, { min: 0 });
    this.rng = sim.stream(`source:${name}`);
  }

  /** Schedules the first arrival; call once. */
  start(): void {
    if (this.started) throw new Error(`source ${this.name} already started`);
    this.started = true;
    this.drawGap();
    this.schedule();
  }

  handleEvent(): void {
    this.pending = null;
    this.stats.arrivals++;
    this.target.request();
    this.drawGap();
    this.schedule();
  }

  /** Offered rate now (requests/s), the profile times the load factor. */
  get offeredRate(): number {
    return this.profile.rate(this.sim.now) * this.factor;
  }

  get loadFactor(): number {
    return this.factor;
  }

  /** Multiplies the profile's rate from now on (a spike above 1, a cut below 1, 0 stops). */
  setLoadFactor(factor: number): void {
    checkNumber("factor", factor, { min: 0 });
    const now = this.sim.now;
    this.remaining -= this.factor * this.profile.integral(this.anchor, now);
    this.anchor = now;
    this.factor = factor;
    if (this.pending !== null) this.sim.cancel(this.pending);
    this.pending = null;
    if (this.started) this.schedule();
  }

  /** The client its requests go to. */
  get feeds(): string {
    return this.target.name;
  }

  offeredSoFar(): number {
    return this.stats.arrivals;
  }

  plannedRate(t: number): number {
    return t < this.until ? this.profile.rate(t) : 0;
  }

  plannedRateJustBefore(t: number): number {
    return t <= this.until ? this.profile.rateJustBefore(t) : 0;
  }

  gauges(): Record<string, number> {
    return { offeredRate: this.offeredRate };
  }

  describe(): Record<string, string> {
    return { arrivals: this.arrivals, profile: this.profile.spec.kind, until: `${this.until} s` };
  }

  private drawGap(): void {
    this.anchor = this.sim.now;
    this.remaining = this.arrivals === "even" ? 1 : -Math.log(1 - this.rng.next());
  }

  private schedule(): void {
    if (this.factor === 0) return;
    const next = this.profile.advance(this.anchor, Math.max(0, this.remaining) / this.factor);
    if (next < this.until) this.pending = this.sim.scheduleAt(Math.max(next, this.sim.now), this);
  }
}
