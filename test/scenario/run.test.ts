import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";

const TEXT = readFileSync(new URL("../../scenarios/retry-storm-seed.yaml", import.meta.url), "utf8");
const parsed = parseScenarioText(TEXT, "retry-storm-seed.yaml");
const stable = (r: object) => JSON.stringify({ ...r, wallSeconds: 0 });

describe("running the retry storm", () => {
  const a = runScenario(parsed);

  it("is byte-identical for the same seed, apart from wallSeconds", () => {
    const b = runScenario(parsed);
    expect(stable(b.result)).toBe(stable(a.result));
    expect(JSON.stringify(b.series)).toBe(JSON.stringify(a.series));
  });

  it("gives other numbers for another seed", () => {
    const c = runScenario(parsed, { seed: 7 });
    expect(c.result.seed).toBe(7);
    expect(stable(c.result)).not.toBe(stable(a.result));
  });

  it("conserves requests: each ends exactly once", () => {
    const t = a.result.totals;
    expect(t.completions + t.gaveUp + t.inFlight).toBe(t.requests);
    expect(t.attempts).toBe(t.requests + t.retries);
    expect(t.served).toBeLessThanOrEqual(t.attempts);
  });

  it("offers the seed's load: 9, 20, 9, 7, 5, 3 req/s over six phases, then a drain", () => {
    const r = a.result;
    expect(r.phases.map((p) => [p.start, p.end])).toEqual([
      [0, 20],
      [20, 30],
      [30, 60],
      [60, 75],
      [75, 90],
      [90, 100],
    ]);
    expect(r.phases.map((p) => Math.round(p.offeredPerSec))).toEqual([9, 20, 9, 7, 5, 3]);
    expect(r.drain).toMatchObject({ start: 100, end: 110, label: "drain" });
    expect(r.totals.requests).toBeGreaterThanOrEqual(859);
    expect(r.totals.requests).toBeLessThanOrEqual(860);
    expect(r.capacityPerSec).toBeCloseTo(10, 9);
  });

  it("shows the storm: after the spike goodput stays far below the offered 9 req/s while the server stays busy", () => {
    const after = a.result.phases[2]!;
    expect(after.offeredPerSec).toBeCloseTo(9, 0);
    expect(after.goodputPerSec).toBeLessThan(0.5 * after.offeredPerSec);
    expect(after.throughputPerSec).toBeGreaterThan(8);
    expect(after.timeoutsPerSec).toBeGreaterThan(after.offeredPerSec);
    expect(a.result.retryAmplification).toBeGreaterThan(2);
    expect(a.result.totals.wasted).toBeGreaterThan(a.result.totals.completions);
  });

  it("samples queue depth every 0.1 s and rates every second", () => {
    const s = a.series;
    expect(s.probeTimes.length).toBe(1101);
    expect(s.probeTimes[10]).toBeCloseTo(1, 12);
    expect(s.windowStarts.length).toBe(110);
    expect(s.offered.slice(0, 20).reduce((x, y) => x + y, 0)).toBeCloseTo(180, -1);
    expect(s.latencyHistogram.reduce((n, b) => n + b.count, 0)).toBe(a.result.totals.completions);
  });

  it("stops a runaway at the event budget with a message that says how to raise it", () => {
    expect(() => runScenario(parsed, { maxEvents: 500 })).toThrow(/event budget .* --max-events/);
  });

  it("stops at the wall-clock budget with a message that says which budget and how to raise it", () => {
    // A fake clock that gains a minute at every reading: the 5 s budget runs out at the first check
    // (the kernel reads the clock every 4096 events).
    let ms = 0;
    const clock = () => (ms += 60_000);
    expect(() => runScenario(parsed, { maxWallSeconds: 5, clock })).toThrow(
      /wall-clock budget ran out; raise it with --max-wall-seconds or limits\.maxWallSeconds/,
    );
  });
});
