import { describe, expect, it } from "vitest";
import { drainEstimate } from "../../src/analysis/drain-estimate.js";
import type { RunSeries } from "../../src/scenario/run-result.js";

/** A series probed every second from 0 to 100 with the queue `q(t)`; only what the estimate reads. */
function series(q: (t: number) => number): RunSeries {
  const probeTimes = Array.from({ length: 101 }, (_, t) => t);
  return { probeTimes, totalQueue: probeTimes.map(q) } as unknown as RunSeries;
}

describe("drainEstimate", () => {
  it("divides the last queue by its fall over the last 20 s when that is clear", () => {
    // 300 - 2t: 100 left at t = 100, falling 2 a second: 50 s to empty.
    expect(
      drainEstimate(
        series((t) => 300 - 2 * t),
        50,
        100,
      ),
    ).toBeCloseTo(50, 9);
  });

  it("catches a long backlog draining slowly by its steps, which the 20 s trend misses", () => {
    // 500 - t/10: over 20 s it falls 2, under a twentieth of ~491; every step is -0.1: 4900 s.
    expect(
      drainEstimate(
        series((t) => 500 - t / 10),
        50,
        100,
      ),
    ).toBeCloseTo(4900, 6);
  });

  it("says nothing for a level or empty queue, or too few probes", () => {
    expect(
      drainEstimate(
        series(() => 50),
        50,
        100,
      ),
    ).toBeNull();
    expect(
      drainEstimate(
        series(() => 0),
        50,
        100,
      ),
    ).toBeNull();
    // Only two probes inside the last 20 s of a load period ending at 1.5.
    expect(
      drainEstimate(
        series((t) => 10 - t),
        0,
        1.5,
      ),
    ).toBeNull();
  });
});
