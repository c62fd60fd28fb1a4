import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { BudgetExceededError, runScenario, startScenario } from "../../src/scenario/run.js";

const TEXT = readFileSync(new URL("../../scenarios/retry-storm-seed.yaml", import.meta.url), "utf8");
const parsed = parseScenarioText(TEXT, "retry-storm-seed.yaml");
const stable = (r: object) => JSON.stringify({ ...r, wallSeconds: 0 });

describe("startScenario (a run taken in steps)", () => {
  const whole = runScenario(parsed);

  it("gives byte-identical output to runScenario whatever the step size", () => {
    for (const step of [0.37, 5, 1000]) {
      const run = startScenario(parsed);
      while (run.now < run.end) run.advance(run.now + step);
      const out = run.finish();
      expect(stable(out.result), `step ${step}`).toBe(stable(whole.result));
      expect(JSON.stringify(out.series), `step ${step}`).toBe(JSON.stringify(whole.series));
    }
  });

  it("reports what has happened so far: closed windows, started phases, no drain before the load ends", () => {
    const run = startScenario(parsed);
    run.advance(25);
    const p = run.partial();
    expect(run.now).toBe(25);
    expect(p.series.windowStarts.length).toBe(25);
    expect(p.series.offered).toEqual(whole.series.offered.slice(0, 25));
    expect(p.result.phases.map((x) => [x.start, x.end])).toEqual([
      [0, 20],
      [20, 25],
    ]);
    expect(p.result.phases[0]).toEqual(whole.result.phases[0]);
    expect(p.result.drain).toBeNull();
    expect(p.result.simulatedSeconds).toBe(110);
    run.advance(105);
    expect(run.partial().result.drain?.start).toBe(100);
  });

  it("spends one event budget over all the steps", () => {
    const run = startScenario(parsed, { maxEvents: 5000 });
    expect(() => {
      while (run.now < run.end) run.advance(run.now + 1);
    }).toThrow(BudgetExceededError);
    expect(run.events).toBe(5000);
  });

  it("records each window's latency median and 99th percentile, null where nothing completed", () => {
    const s = whole.series;
    expect(s.latencyP50).toHaveLength(s.windowStarts.length);
    expect(s.latencyP99).toHaveLength(s.windowStarts.length);
    s.latencyMean.forEach((mean, i) => {
      expect(s.latencyP50[i] === null, `window ${i}`).toBe(mean === null);
      if (mean === null) return;
      // Within the histogram's 0.5% accuracy, the median is no more than the 99th percentile.
      expect(s.latencyP50[i]!).toBeLessThanOrEqual(s.latencyP99[i]! * 1.005);
      expect(s.latencyP99[i]!).toBeGreaterThan(0);
    });
    // Before the storm (first 5 s) requests complete; the median is well under the 0.5 s timeout.
    expect(s.latencyP50[2]!).toBeLessThan(0.5);
  });
});
