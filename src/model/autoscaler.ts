import { checkNumber, OptionError, within } from "../engine/option-error.js";
import { type Handler, Simulation } from "../engine/simulation.js";
import type { Component } from "./component.js";
import type { LoadBalancer } from "./load-balancer.js";
import type { DoesWork, LoopGauge, ShowsLoopState, WorkCounters } from "./roles.js";
import { Server, type ServerOptions } from "./server.js";

/** What the autoscaler tracks. */
export type ScalingMetric =
  /** Busy workers / all workers over the balancer's backends, averaged over the evaluation interval. */
  | "utilisation"
  /** Calls waiting per backend, averaged over the evaluation interval. */
  | "queueLength";

/** How a new instance starts: slower by `slowdown` for `duration` seconds (cold caches, JIT). */
export interface ColdStartOptions {
  /** Seconds the instance runs slow (>= 0). Default: 0. */
  duration?: number;
  /** Service-time multiplier while cold (>= 1). Default: 1. */
  slowdown?: number;
  /**
   * A cold instance with more than this many calls waiting (checked at every metric sample) fails
   * to start: it leaves the balancer, its calls are lost (integer >= 0). Default: none, it never fails.
   */
  failAbove?: number;
}

/** Options of an autoscaler. Seconds throughout. */
export interface AutoscalerOptions {
  /** The metric it keeps at `targetValue`. Default: "utilisation". */
  metric?: ScalingMetric;
  /** Value of the metric it aims for: in (0, 1] for utilisation, > 0 for queueLength. Required. */
  targetValue: number;
  /**
   * Time between scaling decisions; each averages twenty samples of the metric taken over the
   * interval, and the interval restarts when a backend joins or leaves (> 0). Default: 10.
   */
  evaluationInterval?: number;
  /** Time from deciding to scale out until the new instance takes calls (>= 0). Default: 0. */
  scaleOutDelay?: number;
  /** How a new instance starts. Default: at full speed. */
  coldStart?: ColdStartOptions;
  /** Time after the last scaling action (a launch, a join or a removal) before it may scale in (>= 0). Default: 3 x evaluationInterval. */
  scaleInCooldown?: number;
  /** Fewest backends (integer in [1, 10,000]); extra ones are created at the start. Default: the balancer's backend count. */
  minInstances?: number;
  /** Most backends, counting those pending (integer >= minInstances, at most 10,000). Required. */
  maxInstances: number;
  /** Options of every instance it creates. Required. */
  server: ServerOptions;
}

/** Counters an autoscaler keeps, including the work of the instances it created. */
export interface AutoscalerStats {
  /** Instances launched. */
  scaleOuts: number;
  /** Backends taken out of the balancer. */
  scaleIns: number;
  /** Cold instances that failed to start under load (`coldStart.failAbove`). */
  failedStarts: number;
  /** Calls that reached instances it created. */
  readonly instanceArrived: number;
  /** Calls those instances served. */
  readonly instanceServed: number;
  /** Served calls whose caller no longer wanted the answer. */
  readonly instanceWasted: number;
}

/** The parts of a backend the metric reads. */
interface Measured {
  readonly concurrency: number;
  readonly inService: number;
  readonly queueLength: number;
}

// Every instance is a whole server; the minimum ones are built at the start.
const MAX_INSTANCES = 10_000;

const SAMPLE = 0;
const READY = 1;
const WARM = 2;
const SAMPLES_PER_EVALUATION = 20;

/**
 * Target tracking on a load balancer: every evaluation interval it sets the desired number of
 * backends to ceil(current x metric / target), launches the missing ones (they join after
 * `scaleOutDelay`, cold), and removes at most one (the newest) when one fewer would still meet the
 * target.
 */
export class Autoscaler implements Handler, Component, DoesWork, ShowsLoopState {
  readonly type = "autoscaler";
  readonly stats: AutoscalerStats;
  /** The work of every instance it created (removed ones included): they are a worker tier of their own. */
  readonly work: WorkCounters;
  readonly loopGauges: readonly LoopGauge[] = [
    { gauge: "instances", label: "instances in service", unit: "instances", bad: "low" },
  ];
  readonly metric: ScalingMetric;
  readonly targetValue: number;
  readonly evaluationInterval: number;
  readonly scaleOutDelay: number;
  readonly scaleInCooldown: number;
  readonly coldDuration: number;
  readonly coldSlowdown: number;
  readonly coldFailAbove: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  private readonly template: ServerOptions;
  /** Every instance it ever created, removed ones included, so their work still counts. */
  private readonly created: Server[] = [];
  // Created instances since removed from the balancer: they finish what they hold, take no more.
  private readonly removed = new Set<Server>();
  /** Instances still starting cold, watched for failing to start. */
  private readonly cold = new Set<Server>();
  private pending = 0;
  private sampleSum = 0;
  private samples = 0;
  private lastValue = 0;
  private lastAction = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly target: LoadBalancer,
    options: AutoscalerOptions,
  ) {
    if (target.scaledBy !== null)
      throw new OptionError(["target"], `"${target.name}" is already scaled by "${target.scaledBy}"`);
    for (const b of target.backends) {
      if (!isMeasured(b))
        throw new OptionError(["target"], `"${target.name}" has backend "${b.name}", which is not a server`);
    }
    this.metric = options.metric ?? "utilisation";
    if (this.metric !== "utilisation" && this.metric !== "queueLength")
      throw new OptionError(
        ["metric"],
        `expected "utilisation" or "queueLength", got ${JSON.stringify(this.metric)}`,
      );
    this.targetValue = checkNumber("targetValue", options.targetValue, {
      min: 0,
      exclusiveMin: true,
      ...(this.metric === "utilisation" && { max: 1 }),
    });
    this.evaluationInterval = checkNumber("evaluationInterval", options.evaluationInterval ?? 10, {
      min: 0,
      exclusiveMin: true,
    });
    this.scaleOutDelay = checkNumber("scaleOutDelay", options.scaleOutDelay ?? 0, { min: 0 });
    this.scaleInCooldown = checkNumber(
      "scaleInCooldown",
      options.scaleInCooldown ?? 3 * this.evaluationInterval,
      { min: 0 },
    );
    this.coldDuration = within(["coldStart"], () =>
      checkNumber("duration", options.coldStart?.duration ?? 0, { min: 0 }),
    );
    this.coldSlowdown = within(["coldStart"], () =>
      checkNumber("slowdown", options.coldStart?.slowdown ?? 1, { min: 1 }),
    );
    const fail = options.coldStart?.failAbove;
    const limit = (v: number) =>
      within(["coldStart"], () => checkNumber("failAbove", v, { min: 0, integer: true }));
    this.coldFailAbove = fail === undefined ? Number.POSITIVE_INFINITY : limit(fail);
    this.minInstances = checkNumber("minInstances", options.minInstances ?? target.backends.length, {
      min: 1,
      max: MAX_INSTANCES,
      integer: true,
    });
    this.maxInstances = checkNumber("maxInstances", options.maxInstances, {
      min: this.minInstances,
      max: MAX_INSTANCES,
      integer: true,
    });
    // Validate the template now (on a scratch simulation) rather than at the first scale-out.
    within(["server"], () => new Server(new Simulation(), "template", options.server));
    this.template = options.server;
    target.scaledBy = name;
    const created = this.created;
    type Key = "arrived" | "served" | "wasted" | "finished";
    type Seconds = "busySeconds" | "wastedBusySeconds" | "errorBusySeconds";
    const sum = (key: Key | Seconds) => {
      let n = 0;
      for (const s of created) n += s.stats[key];
      return n;
    };
    this.work = {
      get finished() {
        return sum("finished");
      },
      get served() {
        return sum("served");
      },
      get wasted() {
        return sum("wasted");
      },
      get busySeconds() {
        return sum("busySeconds");
      },
      get wastedBusySeconds() {
        return sum("wastedBusySeconds");
      },
      get errorBusySeconds() {
        return sum("errorBusySeconds");
      },
    };
    this.stats = {
      scaleOuts: 0,
      scaleIns: 0,
      failedStarts: 0,
      get instanceArrived() {
        return sum("arrived");
      },
      get instanceServed() {
        return sum("served");
      },
      get instanceWasted() {
        return sum("wasted");
      },
    };
  }

  /** Backends the balancer has now. */
  get instances(): number {
    return this.target.backends.length;
  }

  /** Instances it created, in creation order (removed ones included). */
  get createdInstances(): readonly Server[] {
    return this.created;
  }

  /** Calls waiting at the instances it created. */
  get queueLength(): number {
    let n = 0;
    for (const s of this.created) n += s.queueLength;
    return n;
  }

  /** Calls in service at the instances it created. */
  get inService(): number {
    let n = 0;
    for (const s of this.created) n += s.inService;
    return n;
  }

  /** Workers of its instances still in the balancer. */
  get workers(): number {
    let n = 0;
    for (const s of this.created) if (!this.removed.has(s)) n += s.concurrency;
    return n;
  }

  /** What its instances still in the balancer can finish per second now (cold ones count slower). */
  get capacityPerSec(): number {
    let n = 0;
    for (const s of this.created) if (!this.removed.has(s)) n += s.capacityPerSec;
    return n;
  }

  /** Brings the group up to `minInstances` (warm, at once) and starts sampling. */
  start(): void {
    for (let n = this.instances; n < this.minInstances; n++) this.launch(false);
    this.sim.schedule(this.evaluationInterval / SAMPLES_PER_EVALUATION, this, SAMPLE);
  }

  gauges(): Record<string, number> {
    return {
      instances: this.instances,
      pending: this.pending,
      [this.metric]: this.lastValue,
      instanceQueueLength: this.queueLength,
    };
  }

  describe(): Record<string, string> {
    return {
      target: this.target.name,
      metric: `${this.metric} -> ${this.targetValue}`,
      instances: `${this.minInstances}..${this.maxInstances}`,
      evaluationInterval: `${this.evaluationInterval} s`,
      scaleOutDelay: `${this.scaleOutDelay} s`,
      scaleInCooldown: `${this.scaleInCooldown} s`,
      coldStart:
        this.coldDuration > 0 && this.coldSlowdown > 1
          ? `${this.coldSlowdown}x slower for ${this.coldDuration} s`
          : "none",
      ...(Number.isFinite(this.coldFailAbove) && {
        failsToStart: `above ${this.coldFailAbove} waiting, cold`,
      }),
    };
  }

  handleEvent(kind: number, data: unknown): void {
    if (kind === SAMPLE) this.sample();
    else if (kind === READY) {
      this.pending--;
      this.launch(true);
    } else {
      (data as Server).setSlowdown(1);
      this.cold.delete(data as Server);
    }
  }

  private sample(): void {
    if (this.cold.size > 0) this.failOverloadedStarts();
    this.sampleSum += this.measure();
    if (++this.samples >= SAMPLES_PER_EVALUATION) {
      this.lastValue = this.sampleSum / this.samples;
      this.sampleSum = 0;
      this.samples = 0;
      this.evaluate(this.lastValue);
    }
    this.sim.schedule(this.evaluationInterval / SAMPLES_PER_EVALUATION, this, SAMPLE);
  }

  private failOverloadedStarts(): void {
    for (const server of this.cold) {
      if (server.queueLength <= this.coldFailAbove) continue;
      this.cold.delete(server);
      this.target.removeBackend(server);
      this.removed.add(server);
      server.restart();
      this.stats.failedStarts++;
      this.restartAverage();
    }
  }

  private measure(): number {
    const backends = this.target.backends as unknown as readonly Measured[];
    let busy = 0;
    let workers = 0;
    let waiting = 0;
    for (const b of backends) {
      busy += b.inService;
      workers += b.concurrency;
      waiting += b.queueLength;
    }
    if (this.metric === "utilisation") return workers > 0 ? busy / workers : 0;
    return backends.length > 0 ? waiting / backends.length : 0;
  }

  private evaluate(value: number): void {
    const current = this.instances;
    const raw = Math.ceil((current * value) / this.targetValue - 1e-9);
    const desired = Math.min(this.maxInstances, Math.max(this.minInstances, raw));
    if (desired > current + this.pending) {
      for (let n = desired - current - this.pending; n > 0; n--) {
        this.pending++;
        this.stats.scaleOuts++;
        this.lastAction = this.sim.now;
        this.sim.schedule(this.scaleOutDelay, this, READY);
      }
    } else if (desired < current && this.scaleInAllowed(current, value)) {
      // One at a time, newest first: removing capacity is the risky direction.
      const backends = this.target.backends;
      const last = backends[backends.length - 1]!;
      this.target.removeBackend(last);
      if (last instanceof Server) this.removed.add(last);
      this.stats.scaleIns++;
      this.lastAction = this.sim.now;
      this.restartAverage();
    }
  }

  /**
   * Scale in only when nothing is pending, the cooldown since the last action has passed (so the
   * effect of that action has been measured), and one fewer backend would still meet the target.
   */
  private scaleInAllowed(current: number, value: number): boolean {
    if (this.pending > 0 || this.sim.now - this.lastAction < this.scaleInCooldown) return false;
    return (value * current) / (current - 1) <= this.targetValue;
  }

  private launch(cold: boolean): void {
    const server = new Server(this.sim, `${this.name}-${this.created.length + 1}`, this.template);
    this.created.push(server);
    if (cold && this.coldDuration > 0 && this.coldSlowdown > 1) {
      server.setSlowdown(this.coldSlowdown);
      if (Number.isFinite(this.coldFailAbove)) this.cold.add(server);
      this.sim.schedule(this.coldDuration, this, WARM, server);
    }
    this.target.addBackend(server);
    this.lastAction = this.sim.now;
    this.restartAverage();
  }

  /** The group changed: the next decision averages a full interval of the new group only. */
  private restartAverage(): void {
    this.sampleSum = 0;
    this.samples = 0;
  }
}

function isMeasured(b: unknown): b is Measured {
  const m = b as Partial<Measured>;
  return (
    typeof m.concurrency === "number" && typeof m.inService === "number" && typeof m.queueLength === "number"
  );
}
