import { describe, expect, it } from "vitest";
import type { MapResult } from "../../src/analysis/sweep.js";
import { mapHeatmap } from "../../src/report/heatmap.js";
import { mapReportHtml } from "../../src/report/map-html.js";
import { renderSvg } from "../../src/report/svg.js";

// A 3 x 2 map written by hand: stuck at high load, more so with the longer trigger.
const p = [0, 0.5, 1, 0, 1, 1];
const MAP: MapResult = {
  scenario: "storm <test>",
  description: "a & b",
  scenarioHash: "0".repeat(32),
  x: { param: "load", from: 0.5, to: 1.5, steps: 3, values: [0.5, 1, 1.5] },
  y: { param: "triggers.0.duration", from: 1, to: 5, steps: 2, values: [1, 5] },
  replications: 2,
  seeds: [1, 2],
  refine: 0,
  cells: p.map((mean, index) => ({
    index,
    ix: index % 3,
    iy: Math.floor(index / 3),
    x: [0.5, 1, 1.5][index % 3]!,
    y: [1, 5][Math.floor(index / 3)]!,
    pStuck: { mean, low: 0, high: 1, n: 2 },
    goodputRatio: { mean: 1 - mean, low: 0, high: 1, n: 2 },
    verdicts: { stable: 2 - 2 * mean, recovered: 0, metastable: 2 * mean, unstable: 0 },
  })),
};

describe("map heatmap", () => {
  it("puts each cell at its grid position with its value", () => {
    const spec = mapHeatmap(MAP, "pStuck");
    expect(spec.id).toBe("map-stuck");
    const series = (spec.option.series as { data: [number, number, number][] }[])[0]!;
    expect(series.data).toEqual([
      [0, 0, 0],
      [1, 0, 0.5],
      [2, 0, 1],
      [0, 1, 0],
      [1, 1, 1],
      [2, 1, 1],
    ]);
    expect(mapHeatmap(MAP, "goodputRatio").id).toBe("map-goodput");
  });

  it("renders the same SVG bytes every time, with both axes named", () => {
    const a = renderSvg(mapHeatmap(MAP, "pStuck"), 720, 520);
    const b = renderSvg(mapHeatmap(MAP, "pStuck"), 720, 520);
    expect(a).toBe(b);
    expect(a).toContain("triggers.0.duration");
    expect(a).toContain(">load<");
    expect(a).toContain("Probability of getting stuck");
  });

  it("embeds the charts in a self-contained page, escaping scenario text", () => {
    const svg = renderSvg(mapHeatmap(MAP, "pStuck"), 720, 520);
    const html = mapReportHtml(MAP, [{ id: "map-stuck", title: "P", svg }]);
    expect(html).toContain("<h1>storm &lt;test&gt;: load × triggers.0.duration</h1>");
    expect(html).toContain("a &amp; b");
    expect(html).toContain('<figure id="chart-map-stuck"');
    expect(html).not.toMatch(/<script|(href|src)="https?:/);
    expect(html.match(/<tr><td>/g)).toHaveLength(6);
  });
});
