import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { fluidCharts } from "../../src/report/fluid-charts.js";
import { renderSvg } from "../../src/report/svg.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

const ROOT = join(import.meta.dirname, "..", "..");
const analysis = (file: string) =>
  analyseScenarioFluid(parseScenarioText(readFileSync(join(ROOT, "scenarios", file), "utf8"), file));

describe("fluid charts", () => {
  const a = analysis("gc-pause.yaml");
  const charts = fluidCharts(a);

  it("are the bifurcation diagram, the phase portrait and the trajectory, as plain data", () => {
    expect(charts.map((c) => c.id)).toEqual(["fluid-bifurcation", "fluid-portrait", "fluid-trajectory"]);
    // No functions anywhere: the same options must serialise to the browser.
    expect(JSON.parse(JSON.stringify(charts))).toEqual(charts);
  });

  it("render to the same SVG bytes every time", () => {
    for (const c of charts) {
      const svg = renderSvg(c);
      expect(svg).toMatch(/^<svg/);
      expect(svg).not.toMatch(/not drawn/);
      expect(renderSvg(c)).toBe(svg);
    }
  });

  it("shade the bistable band and mark the stuck branch of an unbounded queue", () => {
    const series = charts[0]!.option.series as { name?: string; markArea?: { data: unknown[] } }[];
    const band = series.find((s) => s.name === "bistable band")!;
    expect(band.markArea!.data).toEqual([
      [{ name: "bistable", xAxis: a.bistable.low }, { xAxis: a.bistable.high }],
    ]);
    expect(series.some((s) => s.name === "stuck (queue grows)")).toBe(true);
  });

  it("draw a portrait without a saddle when the load has none", () => {
    const storm = analysis("retry-storm-seed.yaml");
    expect(storm.portrait.separatrix).toEqual([]);
    expect(renderSvg(fluidCharts(storm)[1]!)).not.toMatch(/not drawn/);
  });
});
