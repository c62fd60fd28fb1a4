import type { FluidDynamics } from "./dynamics.js";
import type { Equilibrium } from "./equilibria.js";
import { type Drive, steadyDrive, trajectory } from "./trajectory.js";

// How long a disturbed state is followed before it is judged: far longer than the loop's own
// time scales (a timeout, a queue's drain), so only states within a hair of the separatrix are
// still undecided by then, and those count as not tipped.
const HORIZON = 3000;

/** Decides, by following the flow at a constant load, whether a state ends up stuck. */
export class BasinTest {
  private readonly healthy: Equilibrium;
  private readonly stuckMark: number;
  private readonly scale: number;

  constructor(
    private readonly dyn: FluidDynamics,
    private readonly load: number,
    healthy: Equilibrium,
    saddle: Equilibrium,
    stuck: Equilibrium,
  ) {
    this.healthy = healthy;
    // Past halfway from the saddle to a finite stuck state, or three saddles deep, there is no way back.
    this.stuckMark = stuck.queue === null ? 3 * saddle.queue! + 10 : (saddle.queue! + stuck.queue) / 2;
    this.scale = Math.max(saddle.queue! - healthy.queue!, 1e-6);
  }

  /** Whether (queue, orbit), followed at the load from time 0 under `drive` then steady, tips. */
  tips(queue: number, orbit: number, drive?: { drive: Drive; until: number }): boolean {
    let state = { queue, orbit };
    if (drive) {
      const path = trajectory(this.dyn, state, 0, drive.until, drive.drive, undefined, false);
      const last = path[path.length - 1]!;
      state = { queue: last.queue, orbit: last.orbit };
    }
    let verdict: boolean | null = null;
    const h = this.healthy;
    const path = trajectory(
      this.dyn,
      state,
      0,
      HORIZON,
      steadyDrive(this.load),
      (_t, q, r) => {
        if (q >= this.stuckMark) verdict = true;
        else if (
          Math.abs(q - h.queue!) < 0.01 * this.scale &&
          Math.abs(r - h.orbit!) < 0.01 * this.scale + 1e-3
        )
          verdict = false;
        return verdict !== null;
      },
      false,
    );
    if (verdict !== null) return verdict;
    return path[path.length - 1]!.queue >= this.stuckMark;
  }
}

/** The smallest x in (0, start * 2^doublings] for which `tips(x)` holds, to a relative 1e-3; null if none. */
export function smallestTipping(
  tips: (x: number) => boolean,
  start: number,
  doublings: number,
): number | null {
  let hi = start;
  let n = 0;
  while (!tips(hi)) {
    if (++n > doublings) return null;
    hi *= 2;
  }
  let lo = n === 0 ? 0 : hi / 2;
  while (hi - lo > 1e-3 * hi) {
    const mid = (lo + hi) / 2;
    if (tips(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
