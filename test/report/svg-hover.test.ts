import { describe, expect, it } from "vitest";
import { chartOptions } from "../../src/report/charts.js";
import { renderSvg } from "../../src/report/svg.js";
import { fixtureOutput } from "./fixture.js";

const titles = (svg: string) =>
  [...svg.matchAll(/<rect [^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => m[1]!);

describe("values on hover", () => {
  const output = fixtureOutput();
  const specs = chartOptions(output);

  it("gives every window of a time chart a strip whose tooltip lists each series' value there", () => {
    const svg = renderSvg(specs.find((s) => s.id === "load-profile")!);
    const tips = titles(svg);
    expect(tips).toHaveLength(output.series.windowStarts.length);
    // The spike window 10..11 s, plotted at its middle: offered 20 req/s; the capacity line is not data.
    expect(tips[10]).toBe("time (s) 10.5\noffered: 20");
    expect(svg).not.toMatch(/<script/);
  });

  it("labels a category axis by its category, and leaves strips inside the plot area", () => {
    const svg = renderSvg(specs.find((s) => s.id === "attempts")!);
    const tips = titles(svg);
    expect(tips.length).toBeGreaterThan(0);
    expect(tips[0]).toMatch(/^attempts 1\nrequests: \d+$/);
    for (const m of svg.matchAll(
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>/g,
    )) {
      expect(Number(m[1]) + Number(m[3])).toBeLessThanOrEqual(640);
      expect(Number(m[2]) + Number(m[4])).toBeLessThanOrEqual(320);
    }
  });
});
