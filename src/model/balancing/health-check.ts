import { OptionError } from "../../engine/option-error.js";
import type { EventHandle, Handler, Simulation } from "../../engine/simulation.js";
import type { Caller, ReplyStatus, Service } from "../call.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { RecordTable } from "../record-table.js";

/** Options of an active health check. Seconds throughout. */
export const HEALTH_CHECK_OPTIONS = {
  interval: option.number({
    doc: "Time between probe rounds; every backend gets one probe per round.",
    default: 5,
    min: 0,
    exclusiveMin: true,
  }),
  timeout: option.number({
    doc: 'A probe not answered "ok" within this time fails; at most `interval`.',
    defaultText: "min(2, interval)",
    min: 0,
    exclusiveMin: true,
  }),
  unhealthyThreshold: option.integer({
    doc: "Consecutive failed probes that take a backend out of rotation.",
    default: 3,
    min: 1,
  }),
  healthyThreshold: option.integer({
    doc: "Consecutive good probes that put an ejected backend back.",
    default: 2,
    min: 1,
  }),
} as const;

/** Options of a health check, as its constructor takes them. */
export type HealthCheckOptions = OptionsInput<typeof HEALTH_CHECK_OPTIONS>;

/** What the health check tracks about one backend. */
export interface Probed {
  readonly service: Service;
  /** In rotation. */
  healthy: boolean;
  /** Consecutive failed probes. */
  failures: number;
  /** Consecutive good probes. */
  successes: number;
  /** A probe to it is awaiting its answer. */
  probing: boolean;
}

/** The component whose backends are checked. */
export interface HealthCheckOwner {
  /** The backends to probe this round. */
  probeTargets(): readonly Probed[];
  /** A backend crossed a threshold; returns false if the owner refuses the change (a cap). */
  changeHealth(backend: Probed, healthy: boolean): boolean;
  /** Where probes and failed probes are counted. */
  readonly stats: { probes: number; probeFailures: number };
}

const ROUND = 0;
const TIMEOUT = 1;

/**
 * One probe: a real call that waits in the backend's queue like any request. Named by its index in
 * the checker's table (the token the backend sees), and recycled once answered and closed.
 */
class Probe {
  target: Probed | null = null;
  /** Awaiting its answer: neither answered nor timed out. */
  open = false;
  /** The backend answered it ("lost" included). */
  answered = false;
  timer: EventHandle = 0;
}

/**
 * Probes every backend once per interval with a real call. A probe fails when it is answered with
 * anything but "ok" or not answered within the timeout, so a backend that is merely overloaded (its
 * queue longer than the timeout) fails like a dead one: the health check cannot tell them apart.
 */
export class HealthCheck implements Handler, Caller {
  readonly interval: number;
  readonly timeout: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  private readonly probes = new RecordTable(
    () => new Probe(),
    (probe) => {
      probe.target = null;
    },
  );

  constructor(
    private readonly sim: Simulation,
    private readonly owner: HealthCheckOwner,
    options: HealthCheckOptions,
  ) {
    const o = readOptions(HEALTH_CHECK_OPTIONS, options);
    this.interval = o.interval;
    this.timeout = o.timeout ?? Math.min(2, this.interval);
    if (this.timeout > this.interval) {
      throw new OptionError(
        ["timeout"],
        `expected at most the interval (${this.interval}), got ${this.timeout}: a probe must end before the next one`,
      );
    }
    this.unhealthyThreshold = o.unhealthyThreshold;
    this.healthyThreshold = o.healthyThreshold;
  }

  /** e.g. `every 2 s, timeout 0.5 s, out after 3, back after 2`. */
  get label(): string {
    return `every ${this.interval} s, timeout ${this.timeout} s, out after ${this.unhealthyThreshold}, back after ${this.healthyThreshold}`;
  }

  /** Schedules the first round, one interval after the start. */
  start(): void {
    this.sim.schedule(this.interval, this, ROUND);
  }

  handleEvent(kind: number, data: unknown): void {
    if (kind === TIMEOUT) {
      const token = data as number;
      const probe = this.probes.get(token);
      probe.open = false;
      const target = probe.target!;
      if (probe.answered) this.probes.release(token);
      this.record(target, false);
      return;
    }
    for (const target of this.owner.probeTargets()) {
      if (!target.probing) this.send(target);
    }
    // Scheduled after the probes' timers, so a timeout equal to the interval ends before the next round.
    this.sim.schedule(this.interval, this, ROUND);
  }

  /** A probe's answer; returns whether it was still wanted. */
  reply(token: number, status: ReplyStatus): boolean {
    const probe = this.probes.get(token);
    probe.answered = true;
    // A probe lost in a restart was never answered: its timeout fails it.
    if (status === "lost" && probe.open) return false;
    if (!probe.open) {
      this.probes.release(token);
      return false;
    }
    probe.open = false;
    this.sim.cancel(probe.timer);
    const target = probe.target!;
    this.probes.release(token);
    this.record(target, status === "ok");
    return true;
  }

  requestOf(): number {
    return -1;
  }

  private send(target: Probed): void {
    this.owner.stats.probes++;
    target.probing = true;
    const token = this.probes.take();
    const probe = this.probes.get(token);
    probe.target = target;
    probe.open = true;
    probe.answered = false;
    probe.timer = this.sim.schedule(this.timeout, this, TIMEOUT, token);
    target.service.accept(this, token, this.sim.now + this.timeout);
  }

  private record(target: Probed, ok: boolean): void {
    target.probing = false;
    if (ok) {
      target.successes++;
      target.failures = 0;
      if (!target.healthy && target.successes >= this.healthyThreshold) this.owner.changeHealth(target, true);
      return;
    }
    this.owner.stats.probeFailures++;
    target.failures++;
    target.successes = 0;
    if (target.healthy && target.failures >= this.unhealthyThreshold) this.owner.changeHealth(target, false);
  }
}
