import { describe, expect, it } from "vitest";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { liveLabel, liveState } from "../../web/src/live-state.js";

// Worked by hand: the last probe's queue and utilisation, the mean of the last five windows'
// finished and wasted rates, and the state from the wasted share (>= 0.5: stuck) or the utilisation.
function output(workers: RunOutput["series"]["workers"], queueDepth: Record<string, number[]>): RunOutput {
  return { series: { workers, queueDepth } } as unknown as RunOutput;
}

describe("the topology's live state of each component", () => {
  it("reads the last probe and the last five windows", () => {
    const live = liveState(
      output(
        {
          server: {
            finished: [1, 10, 10, 10, 10, 10],
            wasted: [0, 0, 2, 4, 6, 8],
            utilisation: [0.5, 0.99, Number.NaN],
          },
        },
        { server: [0, 12, 40.4] },
      ),
    ).get("server")!;
    expect(live.queue).toBe(40.4);
    expect(live.utilisation).toBe(0.99);
    expect(live.finishedPerSec).toBe(10);
    expect(live.wastedShare).toBeCloseTo(0.4, 12); // (0+2+4+6+8)/5 = 4 of 10
    expect(live.state).toBe("saturated");
    expect(liveLabel(live)).toBe("q 40 · 99% · 10/s");
  });

  it("calls a component stuck when half of what it finishes is wasted, healthy when it keeps up", () => {
    const live = liveState(
      output(
        {
          db: { finished: [10, 10], wasted: [5, 6], utilisation: [1] },
          cache: { finished: [100], wasted: [0], utilisation: [0.2] },
        },
        {},
      ),
    );
    expect(live.get("db")!.state).toBe("stuck");
    expect(live.get("cache")!.state).toBe("healthy");
    expect(liveState(null).size).toBe(0);
  });
});
