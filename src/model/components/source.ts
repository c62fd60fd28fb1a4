import { checkNumber, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { EventHandle, Handler, Simulation } from "../../engine/simulation.js";
import type { Capabilities, Component, LoadGenerator } from "../component.js";
import { createProfile, type LoadProfile, type ProfileSpec } from "../load/profile.js";
import { type OptionsInput, option, readOptions } from "../options.js";

/** Something that turns an arrival into a request: a client. */
export interface RequestSink {
  readonly name: string;
  /** A new external request arrives now. */
  request(): void;
}

/** How arrivals are spaced for a given rate: `even` (the next arrival comes when exactly one request's worth of load has accrued) or `poisson` (exponential amounts of load between arrivals). */
export const ARRIVAL_PROCESSES = ["even", "poisson"] as const;

/** How arrivals are spaced. */
export type ArrivalProcess = (typeof ARRIVAL_PROCESSES)[number];

/** Options of a load source. Times in seconds, rates in requests per second. */
export const SOURCE_OPTIONS = {
  profile: option.value<ProfileSpec>()({
    format: "profile",
    doc: "The rate of offered load over time.",
    required: true,
  }),
  arrivals: option.choice({
    doc: "Arrival spacing: `even` (one request each time a request's worth of load has accrued) or `poisson` (a non-homogeneous Poisson process).",
    values: ARRIVAL_PROCESSES,
    default: "poisson",
  }),
} as const;

/** Options of a load source, as its constructor takes them. */
export type SourceOptions = OptionsInput<typeof SOURCE_OPTIONS>;

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
    /** No arrivals at or after this time (a scenario's duration). */
    until = Number.POSITIVE_INFINITY,
  ) {
    const o = readOptions(SOURCE_OPTIONS, options);
    this.profile = within(["profile"], () => createProfile(o.profile));
    this.arrivals = o.arrivals;
    this.until = until;
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
