import { describe, expect, it } from "vitest";
import { compareVariants } from "../../src/analysis/compare.js";
import { shareInterval } from "../../src/analysis/statistics.js";
import type { TrialResult } from "../../src/analysis/trial.js";

const trial = (seed: number, goodputRatio: number, stuck: boolean): TrialResult => ({
  seed,
  verdict: stuck ? "metastable" : "recovered",
  stuck,
  goodputRatio,
  timeToRecover: stuck ? null : 5,
  healthyAtEnd: !stuck,
  healthySince: stuck ? null : 40,
});

describe("compareVariants", () => {
  it("keeps every mean inside its interval when goodput after the trigger exceeds the load then offered", () => {
    // A recovered run serves its backlog after the trigger: 1.08, 1.06, 1.03, 1.00 of the load
    // offered then, against a stuck baseline at 0. Mean 1.0425; sample sd 0.0330, t(3) = 3.182, so
    // the 95% half-width is 3.182 x 0.0330 / 2 = 0.0525: [0.990, 1.095] for the variant and the
    // paired difference alike (the baseline is 0 on every seed).
    const base = [1, 2, 3, 4].map((s) => trial(s, 0, true));
    const fixed = [1.08, 1.06, 1.03, 1.0].map((g, i) => trial(i + 1, g, false));
    const { variants, differences } = compareVariants([
      { name: "base", trials: base },
      { name: "fixed", trials: fixed },
    ]);
    for (const e of [variants[1]!.goodputRatio, differences[0]!.goodputRatio]) {
      expect(e.mean).toBeCloseTo(1.0425, 9);
      expect(e.low).toBeCloseTo(0.99, 2);
      expect(e.high).toBeCloseTo(1.095, 2);
      expect(e.low).toBeLessThanOrEqual(e.mean);
      expect(e.high).toBeGreaterThanOrEqual(e.mean);
    }
    expect(differences[0]!.pStuck).toMatchObject({ mean: -1, low: -1, high: -1 });
  });

  it("keeps a share's interval inside [0, 1] when every value is a share", () => {
    for (const xs of [
      [1, 1, 1, 0.98],
      [0, 0, 0.1],
      [0.5, 0.6, 0.7],
    ]) {
      const e = shareInterval(xs);
      expect(e.low).toBeGreaterThanOrEqual(0);
      expect(e.high).toBeLessThanOrEqual(1);
      expect(e.low).toBeLessThanOrEqual(e.mean);
      expect(e.high).toBeGreaterThanOrEqual(e.mean);
    }
  });
});
