import type { FluidDynamics } from "./dynamics.js";
import type { FluidEvent } from "./fluid-events.js";
import { integrate } from "./ode.js";

/** One sampled point of a fluid trajectory. */
export interface TrajectoryPoint {
  /** Seconds. */
  t: number;
  /** Mean calls at the server. */
  queue: number;
  /** Requests waiting to retry. */
  orbit: number;
  /** Base load offered at t (req/s). */
  load: number;
  /** With a cache: its hit rate. */
  hitRate?: number;
}

/** Load over time and the changes a trajectory follows. */
export interface Drive {
  /** Base load at t, requests per second. */
  load(t: number): number;
  events: readonly FluidEvent[];
  /** Times where the load or a change jumps: the integration stops there exactly. */
  breakpoints: readonly number[];
}

/** A constant load with no events. */
export function steadyDrive(load: number): Drive {
  return { load: () => load, events: [], breakpoints: [] };
}

/** The load at t with the load-factor events applied, and whether the server is paused. */
export function driveAt(drive: Drive, t: number): { load: number; paused: boolean } {
  let load = drive.load(t);
  let paused = false;
  for (const e of drive.events) {
    if (t < e.start || t >= e.end) continue;
    if (e.kind === "loadFactor") load *= e.factor;
    else if (e.kind === "loadRamp") load *= e.factor + ((1 - e.factor) * (t - e.start)) / (e.end - e.start);
    else if (e.kind === "pause") paused = true;
  }
  return { load, paused };
}

/**
 * Integrates the fluid system from (queue, orbit) over [t0, t1] under `drive`; `stop` can end it
 * early. Samples every accepted step, or with `keep` false only the first and the last.
 */
export function trajectory(
  dyn: FluidDynamics,
  start: { queue: number; orbit: number },
  t0: number,
  t1: number,
  drive: Drive,
  stop?: (t: number, queue: number, orbit: number) => boolean,
  keep = true,
): TrajectoryPoint[] {
  const cuts = [...new Set([t0, t1, ...drive.breakpoints, ...drive.events.flatMap((e) => [e.start, e.end])])]
    .filter((t) => t >= t0 && t <= t1)
    .sort((a, b) => a - b);
  let y = Float64Array.from([start.queue, start.orbit]);
  const out: TrajectoryPoint[] = [{ t: t0, queue: y[0]!, orbit: y[1]!, load: driveAt(drive, t0).load }];
  let stopped = false;
  for (let i = 0; i + 1 < cuts.length && !stopped; i++) {
    const a = cuts[i]!;
    const b = cuts[i + 1]!;
    for (const e of drive.events) if (e.kind === "emptyQueue" && e.start === a) y[0] = 0;
    // Constant within the piece, except a ramp's load: evaluate at the step's time.
    const mid = driveAt(drive, (a + b) / 2);
    const f = (t: number, s: Float64Array, d: Float64Array) => {
      const here = mid.paused ? mid : driveAt(drive, Math.min(Math.max(t, a), b - 1e-12));
      dyn.rate(Math.max(s[0]!, 0), Math.max(s[1]!, 0), here.load, mid.paused, d);
    };
    const end = integrate(f, a, y, b, {
      maxStep: Math.max((b - a) / 10, 1e-3),
      onStep: (t, s) => {
        const q = Math.max(s[0]!, 0);
        const r = Math.max(s[1]!, 0);
        if (keep) out.push({ t, queue: q, orbit: r, load: driveAt(drive, Math.min(t, b - 1e-12)).load });
        if (stop?.(t, q, r)) {
          stopped = true;
          return true;
        }
        return false;
      },
    });
    y = Float64Array.from([Math.max(end.y[0]!, 0), Math.max(end.y[1]!, 0)]);
    if (!keep && (stopped || i + 2 === cuts.length)) {
      out.push({
        t: end.t,
        queue: y[0]!,
        orbit: y[1]!,
        load: driveAt(drive, Math.min(end.t, b - 1e-12)).load,
      });
    }
  }
  return out;
}

/** At most `n` points of a trajectory, evenly spread over its samples (first and last kept). */
export function thin<T>(points: readonly T[], n: number): T[] {
  if (points.length <= n) return [...points];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(points[Math.round((i * (points.length - 1)) / (n - 1))]!);
  return out;
}
