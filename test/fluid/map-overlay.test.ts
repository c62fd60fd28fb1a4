import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MapResult } from "../../src/analysis/sweep.js";
import { mapFluidBand, thresholdFluidBand } from "../../src/cli/fluid-bands.js";
import { thresholdChart } from "../../src/report/analysis-charts.js";
import { thresholdReportHtml } from "../../src/report/analysis-html.js";
import { mapFluidOverlay } from "../../src/report/fluid-overlay.js";
import { mapHeatmap } from "../../src/report/heatmap.js";
import { mapReportHtml } from "../../src/report/map-html.js";
import { renderSvg } from "../../src/report/svg.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

const ROOT = join(import.meta.dirname, "..", "..");
const scenario = (file: string) =>
  parseScenarioText(readFileSync(join(ROOT, "scenarios", file), "utf8"), `scenarios/${file}`);

const axis = (param: string, values: number[]) => ({
  param,
  from: values[0]!,
  to: values[values.length - 1]!,
  steps: values.length,
  values,
});

// A map result with every cell healthy: only its axes matter to the overlay.
const mapOf = (x: ReturnType<typeof axis>, y: ReturnType<typeof axis>): MapResult => ({
  scenario: "retry-storm",
  description: "",
  scenarioHash: "0".repeat(32),
  x,
  y,
  replications: 1,
  seeds: [1],
  refine: 0,
  cells: x.values.flatMap((xv, ix) =>
    y.values.map((yv, iy) => ({
      index: iy * x.values.length + ix,
      ix,
      iy,
      x: xv,
      y: yv,
      pStuck: { mean: 0, low: 0, high: 1, n: 1 },
      goodputRatio: { mean: 1, low: 0, high: 1, n: 1 },
      verdicts: { stable: 1, recovered: 0, metastable: 0, unstable: 0 },
    })),
  ),
});

describe("the fluid band over a map of retry-storm (10 req/s server, 3 req/s, no backoff)", () => {
  const storm = scenario("retry-storm.yaml");

  it("along a load axis: low = capacity / K per row, as a factor of the 3 req/s load", () => {
    // Once every attempt times out a request makes K of them: the stuck state needs K x load > 10.
    const o = mapFluidOverlay(
      storm,
      axis("load", [0.5, 1, 2]),
      axis("clients.client.maxAttempts", [2, 3, 5]),
    );
    expect(o.loadAxis).toBe("x");
    expect(o.bands.map((b) => b.value)).toEqual([2, 3, 5]);
    o.bands.forEach((b) => {
      expect(b.low!).toBeCloseTo(10 / b.value / 3, 4);
      expect(b.high!).toBeGreaterThan(b.low!);
    });
  });

  it("without a load axis: each cell judged at the scenario's 3 req/s", () => {
    // Timeout 0.5 s: low = 10/K is 5 and 3.33 for K = 2, 3 (above 3 req/s: healthy only), 2.5 and 2
    // for K = 4, 5 (below it, and high is about 5.4: both states).
    const o = mapFluidOverlay(
      storm,
      axis("clients.client.maxAttempts", [2, 3, 4, 5]),
      axis("clients.client.timeout", [0.5]),
    );
    expect(o.loadAxis).toBeNull();
    expect(o.cells.map((c) => c.state)).toEqual(["healthy", "healthy", "bistable", "bistable"]);
  });

  it("draws the band edges on hidden value axes, and rings without a load axis", () => {
    const x = axis("load", [0.5, 1, 1.5, 2]);
    const y = axis("clients.client.maxAttempts", [2, 5]);
    const spec = mapHeatmap(mapOf(x, y), "pStuck", mapFluidOverlay(storm, x, y));
    const series = spec.option.series as { name?: string; xAxisIndex?: number; data: unknown[] }[];
    const low = series.find((s) => s.name === "fluid band low")!;
    expect(low.xAxisIndex).toBe(1);
    // K = 5: low = 2 req/s = 0.667 x load, at index (0.667 - 0.5) / 0.5 = 0.333 on the load axis, row 1.
    expect((low.data[3] as number[])[0]).toBeCloseTo(1 / 3, 3);
    expect(low.data[3]).toEqual([expect.any(Number), 0.5]);
    expect(renderSvg(spec, 720, 520)).toContain("fluid band high");
    const cellsX = axis("clients.client.maxAttempts", [2, 5]);
    const cellsY = axis("clients.client.timeout", [0.5, 1]);
    const rings = mapHeatmap(mapOf(cellsX, cellsY), "pStuck", mapFluidOverlay(storm, cellsX, cellsY));
    const names = (rings.option.series as { name?: string }[]).map((s) => s.name);
    expect(names).toContain("fluid: bistable here");
  });

  it("says why there is no band: a refused scenario, a merged map", () => {
    const x = axis("load", [0.5, 1]);
    const y = axis("triggers.0.duration", [60, 120]);
    const reason = mapFluidBand(scenario("lease-renewal-storm.yaml"), mapOf(x, y));
    expect(reason).toMatch(
      /^the fluid model does not cover this scenario \(lease fleet "dwfm" is not covered/,
    );
    const page = mapReportHtml(mapOf(x, y), [], "a merged map carries no scenario text");
    expect(page).toContain("Fluid band: not drawn: a merged map carries no scenario text.");
    const drawn = mapReportHtml(
      mapOf(x, axis("clients.client.maxAttempts", [3])),
      [],
      mapFluidOverlay(storm, x, axis("clients.client.maxAttempts", [3])),
    );
    expect(drawn).toContain("fluid low (× load)");
  });
});

describe("the fluid band in a threshold report", () => {
  const result = {
    baseRate: 3,
    replications: 2,
    tip: {
      rate: 1.4,
      factor: 0.47,
      low: 1.37,
      high: 1.41,
      points: [{ rate: 1.4, factor: 0.47, probability: { mean: 0.5, low: 0, high: 1, n: 2 } }],
    },
    recoverWithin: 300,
    drainTime: null,
    metastableWindow: null,
    recover: null,
  } as unknown as Parameters<typeof thresholdChart>[0];

  it("lists the band beside the simulated loads and shades it on the chart", () => {
    const band = thresholdFluidBand(scenario("retry-storm.yaml"));
    expect(typeof band).toBe("object");
    const { low, high } = band as { low: number; high: number };
    expect(low).toBeCloseTo(2, 6);
    const html = thresholdReportHtml("retry-storm", result, [], [], band);
    expect(html).toContain(`2 – ${Number(high.toPrecision(3))} req/s`);
    const series = thresholdChart(result, band).option.series as { markArea?: { data: unknown } }[];
    expect(series.some((s) => s.markArea)).toBe(true);
  });

  it("says when the model does not cover the scenario", () => {
    const band = thresholdFluidBand(scenario("lease-renewal-storm.yaml"));
    expect(band).toMatch(/does not cover/);
    expect(thresholdReportHtml("lease", result, [], [], band)).toContain("Fluid model band");
  });
});
