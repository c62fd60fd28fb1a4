import { describe, expect, it } from "vitest";
import { chartOptions } from "../../src/report/charts.js";
import { renderSvg } from "../../src/report/svg.js";
import { fixtureOutput } from "./fixture.js";

describe("renderSvg", () => {
  const specs = chartOptions(fixtureOutput());

  it("renders every chart to an SVG carrying its title", () => {
    for (const spec of specs) {
      const svg = renderSvg(spec);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain('width="640" height="320"');
      expect(svg).toContain(`>${spec.title}</text>`);
    }
  });

  it("gives byte-identical output for the same spec, whatever was rendered before", () => {
    const first = renderSvg(specs[2]!);
    for (const other of specs) renderSvg(other);
    expect(renderSvg(specs[2]!)).toBe(first);
  });

  it("names ids and classes after the chart, so charts inlined in one page do not clash", () => {
    const svg = renderSvg(specs[0]!);
    expect(svg).not.toMatch(/\bzr\d+-/);
    expect(svg).toMatch(/class="load-profile-cls-0"/);
    expect(svg).toMatch(/clip-path="url\(#load-profile-c0\)"/);
  });

  it("escapes labels and leaves a label that looks like an id alone", () => {
    const out = fixtureOutput();
    out.result.phases[0]!.label = "<b>zr7-c0</b>";
    const svg = renderSvg(chartOptions(out)[0]!);
    expect(svg).toContain("&lt;b&gt;zr7-c0&lt;/b&gt;");
    expect(svg).not.toContain("<b>");
  });

  it("matches the snapshot of the load profile", () => {
    expect(renderSvg(specs[0]!)).toMatchSnapshot();
  });
});
