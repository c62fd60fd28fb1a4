import { describe, expect, it } from "vitest";
import type { Verdict } from "../../src/analysis/verdict.js";
import { explainVerdict } from "../../src/report/explain.js";
import { metricLabel } from "../../src/report/metric-names.js";

const metastable: Verdict = {
  kind: "metastable",
  summary: "metastable: goodput below 70% of offered load since 21 s",
  triggers: [{ kind: "pause", target: "db", start: 20, end: 25, source: "scenario" }],
  triggersEnded: 25,
  degradedAt: 21,
  recoveredAt: null,
  timeToRecover: null,
  recoveredAfter: [],
  stuckSince: 21,
  stuckMetrics: ["retryAmplification", "db.latency"],
  drivers: [],
  degradedAtEnd: true,
  drainEstimate: null,
  loopsRunning: [],
  conclusive: true,
  runLonger: null,
  endReason: null,
  goodputRatio: [],
};

describe("plain-language explanation", () => {
  it("says what happened, what pushed it, what kept it there and what to do", () => {
    const text = explainVerdict(metastable);
    expect(text.map((p) => p.heading)).toEqual([
      "What happened",
      "What pushed it",
      "What kept it there",
      "What to do",
    ]);
    expect(text[0]!.text).toMatch(/^The system got stuck/);
    expect(text[1]!.text).toBe("Pause on db from 20 s to 25 s.");
    expect(text[2]!.text).toContain("attempts per request (retry amplification) and db latency");
  });

  it("names the mitigations whose whole interval is on the good side, with effect and interval", () => {
    const tried = [
      {
        name: "budget",
        pStuck: { mean: -0.8, low: -1, high: -0.5 },
        goodputRatio: { mean: 0.6, low: 0.4, high: 0.8 },
      },
      {
        name: "longer timeout",
        pStuck: { mean: -0.1, low: -0.4, high: 0.2 },
        goodputRatio: { mean: 0, low: -0.1, high: 0.1 },
      },
    ];
    const todo = explainVerdict(metastable, tried).at(-1)!;
    expect(todo.heading).toBe("What to do");
    expect(todo.text).toMatch(/^Changes that helped \(the whole 95% interval on the good side\): budget\./);
    expect(todo.text).toContain(
      "budget: P(stuck) -80 points [-100, -50], goodput +60 points of offered load [40, 80]",
    );
    expect(todo.text).toContain("longer timeout: P(stuck) -10 points [-40, 20]");
  });

  it("tells a recovery with its time, and an overload from a metastable failure", () => {
    const rec = explainVerdict({
      ...metastable,
      kind: "recovered",
      timeToRecover: 12.345,
      recoveredAfter: ["cutLoad users"],
    });
    expect(rec[0]!.text).toContain("It took 12.35 s after the trigger ended, after cutLoad users.");
    expect(rec.map((p) => p.heading)).not.toContain("What kept it there");
    const unstable = explainVerdict({ ...metastable, kind: "unstable", drivers: ["queueDepth"] });
    expect(unstable[0]!.text).toContain("overload, not a metastable failure");
    expect(unstable[2]!.text).toBe("The first signs of the collapse were in queue depth.");
  });
});

describe("metric names", () => {
  it("reads known names, component gauges and unknown camelCase as words", () => {
    expect(metricLabel("minQueueDelay")).toBe("standing queue delay (minimum per window)");
    expect(metricLabel("retryRate")).toBe("retries per second");
    expect(metricLabel("cache.hitRate")).toBe("cache hit rate");
    expect(metricLabel("pool.waitingCallers")).toBe("pool waiting callers");
    expect(metricLabel("leaseExpiryRate")).toBe("lease expiry rate");
  });
});
