import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
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
export class Source implements Handler {
  readonly profile: LoadProfile;
  readonly arrivals: ArrivalProcess;
  readonly until: number;
  readonly stats: SourceStats = { arrivals: 0 };
  private readonly rng: RandomStream;
  private started = false;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    private readonly target: RequestSink,
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
    this.scheduleAfter(this.sim.now);
  }

  handleEvent(): void {
    this.stats.arrivals++;
    this.target.request();
    this.scheduleAfter(this.sim.now);
  }

  private scheduleAfter(t: number): void {
    const mass = this.arrivals === "even" ? 1 : -Math.log(1 - this.rng.next());
    const next = this.profile.advance(t, mass);
    if (next < this.until) this.sim.scheduleAt(next, this);
  }
}
