import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import { type Handler, Simulation } from "../../engine/simulation.js";
import { InstanceGroup } from "../autoscaling/instance-group.js";
import type { Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import type { DoesWork, LoopGauge, ShowsLoopState, WorkCounters } from "../roles.js";
import type { LoadBalancer } from "./balancer.js";
import { SERVER_OPTIONS, Server, type ServerOptions } from "./server.js";

/** What the autoscaler tracks. */
export const SCALING_METRICS = ["utilisation", "queueLength"] as const;

/** What the autoscaler tracks. */
export type ScalingMetric = (typeof SCALING_METRICS)[number];

// The most backends one autoscaler keeps.
const MAX_INSTANCES = 10_000;

/** How a new instance starts: slower by `slowdown` for `duration` seconds (cold caches, JIT). */
export const COLD_START_OPTIONS = {
  duration: option.number({ doc: "Seconds the instance runs slow.", default: 0, min: 0 }),
  slowdown: option.number({ doc: "Service-time multiplier while cold.", default: 1, min: 1 }),
  failAbove: option.integer({
    doc: "A cold instance with more than this many calls waiting (checked at every metric sample) fails to start: it leaves the balancer, its calls are lost.",
    min: 0,
    defaultText: "none, it never fails",
  }),
} as const;

/** Options of an autoscaler. Seconds throughout. */
export const AUTOSCALER_OPTIONS = {
  metric: option.choice({
    doc: "The metric it keeps at `targetValue`: busy workers / all workers over the balancer's backends (`utilisation`), or calls waiting per backend (`queueLength`), averaged over the evaluation interval.",
    values: SCALING_METRICS,
    default: "utilisation",
  }),
  targetValue: option.number({
    doc: "Value of the metric it aims for: in (0, 1] for utilisation, > 0 for queueLength.",
    required: true,
  }),
  evaluationInterval: option.number({
    doc: "Time between scaling decisions; each averages twenty samples of the metric taken over the interval, and the interval restarts when a backend joins or leaves.",
    default: 10,
    min: 0,
    exclusiveMin: true,
  }),
  scaleOutDelay: option.number({
    doc: "Time from deciding to scale out until the new instance takes calls.",
    default: 0,
    min: 0,
  }),
  coldStart: option.group(COLD_START_OPTIONS, {
    doc: "How a new instance starts.",
    defaultText: "at full speed",
  }),
  scaleInCooldown: option.number({
    doc: "Time after the last scaling action (a launch, a join or a removal) before it may scale in.",
    min: 0,
    defaultText: "3 x evaluationInterval",
  }),
  minInstances: option.integer({
    doc: "Fewest backends; extra ones are created at the start.",
    min: 1,
    max: MAX_INSTANCES,
    defaultText: "the balancer's backend count",
  }),
  maxInstances: option.integer({
    doc: "Most backends, counting those pending; at least `minInstances`.",
    required: true,
    max: MAX_INSTANCES,
  }),
  server: option.group(SERVER_OPTIONS, { doc: "Options of every instance it creates.", required: true }),
} as const;

/** Options of an autoscaler, as its constructor takes them. */
export type AutoscalerOptions = OptionsInput<typeof AUTOSCALER_OPTIONS>;

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
  readonly inFlight: number;
  readonly queueLength: number;
}

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
  // Plain data, refreshed when read: an object literal with getters would keep its closures (and
  // through them the whole model) in accessor pairs V8 allocates in the old space.
  private readonly counts = {
    scaleOuts: 0,
    scaleIns: 0,
    failedStarts: 0,
    instanceArrived: 0,
    instanceServed: 0,
    instanceWasted: 0,
  };
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
  private readonly instanceGroup = new InstanceGroup();
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
    const o = readOptions(AUTOSCALER_OPTIONS, options);
    this.metric = o.metric;
    this.targetValue = checkNumber("targetValue", o.targetValue, {
      min: 0,
      exclusiveMin: true,
      ...(this.metric === "utilisation" && { max: 1 }),
    });
    this.evaluationInterval = o.evaluationInterval;
    this.scaleOutDelay = o.scaleOutDelay;
    this.scaleInCooldown = o.scaleInCooldown ?? 3 * this.evaluationInterval;
    const cold = within(["coldStart"], () => readOptions(COLD_START_OPTIONS, o.coldStart ?? {}));
    this.coldDuration = cold.duration;
    this.coldSlowdown = cold.slowdown;
    this.coldFailAbove = cold.failAbove ?? Number.POSITIVE_INFINITY;
    this.minInstances =
      o.minInstances ??
      checkNumber("minInstances", target.backends.length, {
        min: 1,
        max: MAX_INSTANCES,
        integer: true,
      });
    this.maxInstances = checkNumber("maxInstances", o.maxInstances, {
      min: this.minInstances,
      max: MAX_INSTANCES,
      integer: true,
    });
    // Validate the template now (on a scratch simulation) rather than at the first scale-out.
    within(["server"], () => new Server(new Simulation(), "template", options.server));
    this.template = options.server;
    target.scaledBy = name;
    this.work = this.instanceGroup.work;
  }

  /** Its counters, with its instances' totals brought up to date. */
  get stats(): AutoscalerStats {
    const c = this.counts;
    const group = this.instanceGroup;
    c.instanceArrived = group.sum("arrived");
    c.instanceServed = group.sum("served");
    c.instanceWasted = group.sum("wasted");
    return c;
  }

  /** Backends the balancer has now. */
  get instances(): number {
    return this.target.backends.length;
  }

  /** Instances it created, in creation order (removed ones included). */
  get createdInstances(): readonly Server[] {
    return this.instanceGroup.all;
  }

  /** Calls waiting at the instances it created. */
  get queueLength(): number {
    return this.instanceGroup.queueLength;
  }

  /** Calls in service at the instances it created. */
  get inFlight(): number {
    return this.instanceGroup.inFlight;
  }

  /** Workers of its instances still in the balancer. */
  get workers(): number {
    return this.instanceGroup.workers;
  }

  /** What its instances still in the balancer can finish per second now (cold ones count slower). */
  get capacityPerSec(): number {
    return this.instanceGroup.capacityPerSec;
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
      this.instanceGroup.remove(server);
      server.restart();
      this.counts.failedStarts++;
      this.restartAverage();
    }
  }

  private measure(): number {
    const backends = this.target.backends as unknown as readonly Measured[];
    let busy = 0;
    let workers = 0;
    let waiting = 0;
    for (const b of backends) {
      busy += b.inFlight;
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
        this.counts.scaleOuts++;
        this.lastAction = this.sim.now;
        this.sim.schedule(this.scaleOutDelay, this, READY);
      }
    } else if (desired < current && this.scaleInAllowed(current, value)) {
      // One at a time, newest first: removing capacity is the risky direction.
      const backends = this.target.backends;
      const last = backends[backends.length - 1]!;
      this.target.removeBackend(last);
      if (last instanceof Server) this.instanceGroup.remove(last);
      this.counts.scaleIns++;
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
    const server = new Server(this.sim, `${this.name}-${this.instanceGroup.all.length + 1}`, this.template);
    this.instanceGroup.add(server);
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
    typeof m.concurrency === "number" && typeof m.inFlight === "number" && typeof m.queueLength === "number"
  );
}
