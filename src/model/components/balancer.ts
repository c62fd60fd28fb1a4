import { OptionError, within } from "../../engine/option-error.js";
import type { EventHandle, Handler, Simulation } from "../../engine/simulation.js";
import type { BackendLoad, BalancingPolicy } from "../balancing/balancing-policy.js";
import { BALANCING_POLICIES, createBalancingPolicy } from "../balancing/create-balancing-policy.js";
import {
  HEALTH_CHECK_OPTIONS,
  HealthCheck,
  type HealthCheckOwner,
  type Probed,
} from "../balancing/health-check.js";
import type { Caller, ReplyStatus, Service } from "../call.js";
import type { Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { RecordTable } from "../record-table.js";
import type { LoopGauge, ShowsLoopState } from "../roles.js";

/** Options of a load balancer. */
export const LOAD_BALANCER_OPTIONS = {
  policy: option.policy(BALANCING_POLICIES, {
    doc: "How the next backend is chosen.",
    default: { kind: "roundRobin" },
  }),
  healthCheck: option.group(HEALTH_CHECK_OPTIONS, {
    doc: "Probe backends and take failing ones out of rotation.",
    defaultText: "none (every backend always in rotation)",
  }),
  failOpen: option.boolean({
    doc: 'With no backend in rotation, spread calls over all backends, healthy or not, instead of answering "unavailable". Needs `healthCheck`.',
    default: false,
  }),
  maxEjectedFraction: option.number({
    doc: "Largest fraction of the backends that may be out of rotation at once; a failing backend beyond the cap stays in (Envoy's max ejection percent). Needs `healthCheck`.",
    default: 1,
    min: 0,
    max: 1,
  }),
} as const;

/** Options of a load balancer, as its constructor takes them. */
export type LoadBalancerOptions = OptionsInput<typeof LOAD_BALANCER_OPTIONS>;

/** Counters a load balancer keeps; `forwarded.<backend>` counts the calls sent to each backend. */
export interface LoadBalancerStats {
  /** Calls received. */
  received: number;
  /** Calls sent on to a backend. */
  forwarded: number;
  /** Calls answered "unavailable" because no backend was in rotation. */
  unavailable: number;
  /** Health-check probes sent. */
  probes: number;
  /** Probes that failed (an error answer or no answer within the timeout). */
  probeFailures: number;
  /** Backends taken out of rotation. */
  ejections: number;
  /** Ejections refused because `maxEjectedFraction` was reached. */
  ejectionsCapped: number;
  /** Ejected backends put back in rotation. */
  readmissions: number;
  [perBackend: `forwarded.${string}`]: number;
}

interface Backend extends Probed, BackendLoad {
  outstanding: number;
  removed: boolean;
}

const EXPIRE = 0;

/**
 * A call on its way to a backend, named by its index in the balancer's table (the token the
 * backend sees). It tracks the backend's unanswered calls for the policy.
 */
class Forwarded {
  caller: Caller | null = null;
  token = 0;
  /** The caller's request number, read when the call arrived. */
  request = -1;
  backend: Backend | null = null;
  /** Still counts as outstanding on its backend. */
  open = false;
  /** The backend answered it ("lost" included). */
  answered = false;
  /** Its EXPIRE event, or -1 without a deadline. */
  timer: EventHandle = -1;
}

/**
 * Spreads calls over backends with a balancing policy, optionally taking backends that fail an
 * active health check out of rotation. Backends can join and leave while it runs (an autoscaler).
 */
export class LoadBalancer implements Handler, Service, Caller, Component, HealthCheckOwner, ShowsLoopState {
  readonly type = "balancer";
  readonly loopGauges: readonly LoopGauge[] = [
    { gauge: "healthyBackends", label: "backends in rotation", unit: "backends", bad: "low" },
  ];
  readonly stats: LoadBalancerStats = {
    received: 0,
    forwarded: 0,
    unavailable: 0,
    probes: 0,
    probeFailures: 0,
    ejections: 0,
    ejectionsCapped: 0,
    readmissions: 0,
  };
  readonly policy: BalancingPolicy;
  readonly healthCheck: HealthCheck | null;
  readonly failOpen: boolean;
  readonly maxEjectedFraction: number;
  /** Name of the autoscaler that adds and removes backends, if any (at most one). */
  scaledBy: string | null = null;
  private readonly all: Backend[] = [];
  // The policy's candidates, rebuilt only when membership or health changes.
  private rotation: Backend[] = [];
  // Forwarded calls, indexed by the token the backend sees.
  private readonly forwarded = new RecordTable(
    () => new Forwarded(),
    (fwd) => {
      fwd.caller = null;
      fwd.backend = null;
    },
  );

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    backends: readonly Service[],
    options: LoadBalancerOptions = {},
  ) {
    if (backends.length === 0) throw new OptionError(["backends"], "expected at least one backend");
    backends.forEach((b, i) => {
      if (this.all.some((x) => x.service === b))
        throw new OptionError(["backends", i], `"${b.name}" is listed twice`);
      this.add(b);
    });
    const o = readOptions(LOAD_BALANCER_OPTIONS, options);
    this.policy = within(["policy"], () =>
      createBalancingPolicy(o.policy, () => sim.stream(`balancer:${name}:policy`)),
    );
    const check = o.healthCheck;
    this.healthCheck = check ? within(["healthCheck"], () => new HealthCheck(sim, this, check)) : null;
    const needsCheck = (option: string) => {
      if (!this.healthCheck)
        throw new OptionError(
          [option],
          "only applies with a healthCheck (without one no backend is ejected)",
        );
    };
    if (options.failOpen !== undefined) needsCheck("failOpen");
    if (options.maxEjectedFraction !== undefined) needsCheck("maxEjectedFraction");
    this.failOpen = o.failOpen;
    this.maxEjectedFraction = o.maxEjectedFraction;
  }

  /** Requests per second the backends in rotation can serve (all of them when failing open). */
  get capacityPerSec(): number {
    let sum = 0;
    for (const b of this.targets()) sum += b.service.capacityPerSec;
    return sum;
  }

  /** Every current backend, in the order they joined. */
  get backends(): readonly Service[] {
    return this.all.map((b) => b.service);
  }

  /** Backends in rotation. */
  get healthyBackends(): number {
    return this.rotation.length;
  }

  start(): void {
    this.healthCheck?.start();
  }

  gauges(): Record<string, number> {
    let inFlight = 0;
    for (const b of this.all) inFlight += b.outstanding;
    return { healthyBackends: this.rotation.length, backends: this.all.length, inFlight };
  }

  describe(): Record<string, string> {
    return {
      backends: this.all.map((b) => b.service.name).join(", "),
      policy: this.policy.label,
      healthCheck: this.healthCheck?.label ?? "none",
      ...(this.healthCheck && {
        failOpen: String(this.failOpen),
        maxEjectedFraction: String(this.maxEjectedFraction),
      }),
    };
  }

  /** Slots of its table of forwarded calls, and how many hold a call not yet answered and settled. */
  get forwardTable(): { size: number; inUse: number } {
    return { size: this.forwarded.size, inUse: this.forwarded.inUse };
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.received++;
    const candidates = this.targets();
    if (candidates.length === 0) {
      this.stats.unavailable++;
      caller.reply(token, "unavailable");
      return;
    }
    const backend = candidates[this.policy.pick(candidates)]!;
    this.stats.forwarded++;
    this.stats[`forwarded.${backend.service.name}`]!++;
    backend.outstanding++;
    const slot = this.forwarded.take();
    const fwd = this.forwarded.get(slot);
    fwd.caller = caller;
    fwd.token = token;
    fwd.request = caller.requestOf(token);
    fwd.backend = backend;
    fwd.open = true;
    fwd.answered = false;
    // A call the backend never answers (lost in a crash) stops counting when its caller gives up.
    fwd.timer = Number.isFinite(deadline)
      ? this.sim.schedule(Math.max(0, deadline - this.sim.now), this, EXPIRE, slot)
      : -1;
    backend.service.accept(this, slot, deadline);
  }

  /** The backend's answer to forwarded call `slot`, passed on to its caller. */
  reply(slot: number, status: ReplyStatus): boolean {
    const fwd = this.forwarded.get(slot);
    const caller = fwd.caller!;
    const token = fwd.token;
    // A lost call keeps counting until its deadline, like a call never answered.
    if (status !== "lost") this.settle(fwd);
    fwd.answered = true;
    // Without a deadline a lost call is never settled, and nothing will refer to its slot again.
    if (!fwd.open || fwd.timer < 0) this.forwarded.release(slot);
    return caller.reply(token, status);
  }

  requestOf(slot: number): number {
    return this.forwarded.get(slot).request;
  }

  handleEvent(_kind: number, data: unknown): void {
    const slot = data as number;
    const fwd = this.forwarded.get(slot);
    this.settle(fwd);
    // Kept until answered otherwise: a late answer still goes to the caller.
    if (fwd.answered) this.forwarded.release(slot);
  }

  /** Adds a backend in rotation (an autoscaled instance that is ready). */
  addBackend(service: Service): void {
    if (this.all.some((b) => b.service === service || b.service.name === service.name))
      throw new Error(`balancer ${this.name} already has a backend named ${service.name}`);
    this.add(service);
  }

  /** Takes a backend away for good; calls already sent to it are still answered. */
  removeBackend(service: Service): void {
    const i = this.all.findIndex((b) => b.service === service);
    if (i < 0) throw new Error(`balancer ${this.name} has no backend named ${service.name}`);
    this.all[i]!.removed = true;
    this.all.splice(i, 1);
    this.refresh();
  }

  probeTargets(): readonly Probed[] {
    return this.all;
  }

  changeHealth(target: Probed, healthy: boolean): boolean {
    const backend = target as Backend;
    if (backend.removed) return false;
    if (!healthy) {
      const ejected = this.all.length - this.rotation.length + 1;
      if (ejected > this.maxEjectedFraction * this.all.length + 1e-9) {
        this.stats.ejectionsCapped++;
        return false;
      }
    }
    backend.healthy = healthy;
    this.stats[healthy ? "readmissions" : "ejections"]++;
    this.refresh();
    return true;
  }

  private add(service: Service): void {
    const backend: Backend = {
      service,
      healthy: true,
      failures: 0,
      successes: 0,
      probing: false,
      outstanding: 0,
      removed: false,
    };
    this.all.push(backend);
    this.stats[`forwarded.${service.name}`] ??= 0;
    this.refresh();
  }

  /** A forwarded call was answered or its caller gave up: it no longer counts as outstanding. */
  private settle(fwd: Forwarded): void {
    if (!fwd.open) return;
    fwd.open = false;
    fwd.backend!.outstanding--;
    if (fwd.timer >= 0) this.sim.cancel(fwd.timer);
  }

  private targets(): readonly Backend[] {
    return this.rotation.length === 0 && this.failOpen ? this.all : this.rotation;
  }

  private refresh(): void {
    this.rotation = this.all.filter((b) => b.healthy);
  }
}
