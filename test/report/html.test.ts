import { describe, expect, it } from "vitest";
import { chartOptions } from "../../src/report/charts.js";
import { escapeHtml, reportHtml } from "../../src/report/html.js";
import { renderSvg } from "../../src/report/svg.js";
import { fixtureOutput } from "./fixture.js";

function build(mutate: (o: ReturnType<typeof fixtureOutput>) => void = () => {}) {
  const output = fixtureOutput();
  mutate(output);
  const svgs = chartOptions(output).map((spec) => ({ id: spec.id, title: spec.title, svg: renderSvg(spec) }));
  return { output, svgs, html: reportHtml(output, svgs) };
}

describe("reportHtml", () => {
  const { svgs, html } = build();

  it("embeds every chart's SVG", () => {
    expect(svgs).toHaveLength(8);
    for (const s of svgs) expect(html).toContain(s.svg);
  });

  it("is self-contained: no scripts, links, external fonts or images", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|@import|\bsrc=|\bhref=/i);
    // The only URLs left are SVG namespace names, which browsers never fetch.
    expect(html.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, "")).not.toMatch(/https?:/);
  });

  it("escapes user-provided text", () => {
    const evil = build((o) => {
      o.result.scenario = "<script>alert(1)</script>";
      o.result.description = 'a "quoted" & <i>styled</i> one';
      o.result.phases[0]!.label = "<img onerror=x>";
      o.result.components[0]!.settings["<k>"] = "<v>";
    }).html;
    expect(evil).not.toMatch(/<script|<img|<i>|<k>|<v>/);
    expect(evil).toContain("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>");
    expect(evil).toContain("a &quot;quoted&quot; &amp; &lt;i&gt;styled&lt;/i&gt; one");
  });

  it("has one phase row per phase plus the drain row", () => {
    const phases = html.slice(html.indexOf("<h2>Phases</h2>"), html.indexOf("<h2>Charts</h2>"));
    expect(phases.match(/<tr>/g)).toHaveLength(1 + 2); // header + two phases
    expect(phases.match(/<tr class="drain">/g)).toHaveLength(1);
    expect(phases).toContain("<td>spike 20 req/s</td><td>10–16</td>");
    expect(phases).toContain('<td class="num">450</td><td class="num">500</td>');
    const noDrain = build((o) => {
      o.result.drain = null;
    }).html;
    expect(noDrain).not.toContain('class="drain"');
  });

  it("shows the run facts, the configuration and the request flow", () => {
    expect(html).toContain("seed <b>42</b>");
    expect(html).toContain("events <b>4321</b>");
    expect(html).toContain("machine");
    expect(html).toContain("<td>client</td><td>client</td>");
    expect(html).toContain('<td>Retry amplification</td><td class="num">1.24×</td>');
    expect(html).toContain('<td>Timeout rate</td><td class="num">28.8 %</td>');
  });

  it("differs between two runs only in the wall-clock time", () => {
    const other = build((o) => {
      o.result.wallSeconds = 98.7;
    }).html;
    const a = html.split("\n");
    const b = other.split("\n");
    expect(a.length).toBe(b.length);
    expect(a.filter((line, i) => line !== b[i])).toEqual([
      '<li>wall clock <b><span class="wall">0.0123 s</span></b></li>',
    ]);
  });
});

describe("escapeHtml", () => {
  it("escapes the five characters that matter", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
