import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { characteristicSeries } from "../../src/analysis/characteristics.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import { coarsenSeries, forDisplay } from "../../web/src/coarsen.js";

const TEXT = readFileSync(new URL("../../scenarios/retry-storm.yaml", import.meta.url), "utf8");
const output = runScenario(parseScenarioText(TEXT, "retry-storm.yaml"));
const s = output.series;

describe("coarsening a run for the page", () => {
  it("leaves a series that already fits untouched", () => {
    expect(coarsenSeries(s, 2000).series).toBe(s);
  });

  it("keeps every series under the point budget, aligned with its time axis", () => {
    const { series: c, windowsPerPoint } = coarsenSeries(s, 50);
    expect(windowsPerPoint).toBe(3); // 110 windows -> 37 points
    expect(c.windowStarts).toHaveLength(37);
    expect(c.window).toBe(3);
    for (const key of ["offered", "goodput", "latencyMean", "latencyP50", "latencyP99"] as const)
      expect(c[key], key).toHaveLength(c.windowStarts.length);
    expect(c.probeTimes.length).toBeLessThanOrEqual(50);
    for (const depth of Object.values(c.queueDepth)) expect(depth).toHaveLength(c.probeTimes.length);
  });

  it("keeps the peak of a queue and the amount of offered load", () => {
    const { series: c } = coarsenSeries(s, 50);
    const peak = (r: Record<string, number[]>) => Math.max(...Object.values(r).flat());
    expect(peak(c.queueDepth)).toBe(peak(s.queueDepth));
    // Whole blocks keep their requests: mean rate x block length = the sum of the windows.
    const coarse = c.offered.slice(0, 36).reduce((a, b) => a + b * 3, 0);
    const raw = s.offered.slice(0, 108).reduce((a, b) => a + b, 0);
    expect(coarse).toBeCloseTo(raw, 6);
  });

  it("coarsens the characteristic metrics with the windows", () => {
    const metrics = characteristicSeries(output).map((m) => ({ ...m, envelope: null }));
    expect(forDisplay(output, metrics, 2000).metrics).toBe(metrics);
    const shown = forDisplay(output, metrics, 50);
    expect(shown.output.series.windowStarts).toHaveLength(37);
    expect(shown.metrics!.length).toBe(metrics.length);
    for (const m of shown.metrics!) expect(m.values, m.name).toHaveLength(37);
  });
});
