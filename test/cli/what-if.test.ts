import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, PAUSE_STORM, scratchWith } from "./cli-harness.js";

describe("--set what-ifs", () => {
  it("run --set changes the model the run uses, and a wrong path is bad input naming the keys", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM });
    const file = join(dir, "s.yaml");
    const plain = JSON.parse((await cli("run", file, "--json")).stdout);
    const set = await cli(
      "run",
      file,
      "--json",
      "--set",
      "clients.client.maxAttempts=1",
      "--set",
      "load=0.5",
    );
    expect(set.code).toBe(0);
    const r = JSON.parse(set.stdout);
    expect(r.totals.retries).toBe(0);
    expect(plain.totals.retries).toBeGreaterThan(0);
    expect(r.totals.requests).toBeLessThan(plain.totals.requests * 0.6);
    const bad = await cli("run", file, "--set", "clients.client.retries=1");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/clients.client has no "retries"; keys there: target, timeout, maxAttempts/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("run --out: the report opens with the verdict in plain words, rounded envelopes and human metric names", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM });
    expect((await cli("run", join(dir, "s.yaml"), "--out", join(dir, "out"))).code).toBe(0);
    const html = readFileSync(join(dir, "out", "report.html"), "utf8");
    const header = html.slice(0, html.indexOf("<h2>Configuration</h2>"));
    expect(header).toContain("<dt>What happened</dt>");
    expect(header).toContain("<dt>What pushed it</dt><dd>Pause on server from 20 s to 25 s.</dd>");
    expect(header).toMatch(
      /<dt>What kept it there<\/dt><dd>At the end of the run these were still far from their normal range: [a-z ]+/,
    );
    expect(header).toContain('<td title="retryAmplification">attempts per request</td>');
    const envelopes = [...header.matchAll(/<tr><td title="[^"]+">[^<]+<\/td><td>([^<]+)<\/td>/g)].map(
      (m) => m[1]!,
    );
    expect(envelopes.length).toBeGreaterThan(3);
    for (const e of envelopes)
      expect(e).toMatch(/^(–|-?\d+(\.\d{1,3})? to -?\d+(\.\d{1,3})?|-?0\.0*\d{1,3} to -?\d+(\.\d+)?)$/);
  });

  it("compare pits one scenario against itself with --variant and writes a report a manager can read", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM });
    const out = join(dir, "out");
    const r = await cli(
      "compare",
      join(dir, "s.yaml"),
      "--variant",
      "servers.server.dropExpired=true",
      "--variant",
      "clients.client.maxAttempts=1",
      "--replications",
      "3",
      "--workers",
      "1",
      "--quiet",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("s.yaml with clients.client.maxAttempts=1");
    expect(readdirSync(out).sort()).toEqual(["compare.json", "compare.svg", "report.html"]);
    const json = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
    expect(json.variants).toHaveLength(3);
    expect(json.differences[1].pStuck.mean).toBeLessThan(0);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("In plain words");
    expect(html).toContain("What happened");
    expect(html).toContain("What to do");
    expect(html).toMatch(/Changes that helped[^<]*maxAttempts=1/);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/);
  });

  it("compare needs a variant, and refuses two identical ones", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM });
    const none = await cli("compare", join(dir, "s.yaml"));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/at least one variant/);
    const same = await cli("compare", join(dir, "s.yaml"), "--variant", "load=1", "--variant", "load=1");
    expect(same.code).toBe(2);
  });

  it("threshold and stability take --set and write JSON and report.html with --out", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM });
    const t = await cli(
      "threshold",
      join(dir, "s.yaml"),
      "--set",
      "servers.server.dropExpired=false",
      "--replications",
      "1",
      "--tolerance",
      "0.5",
      "--workers",
      "1",
      "--quiet",
      "--out",
      join(dir, "t"),
    );
    expect(t.code).toBe(0);
    expect(readdirSync(join(dir, "t")).sort()).toEqual(["report.html", "threshold.json", "threshold.svg"]);
    expect(readFileSync(join(dir, "t", "report.html"), "utf8")).toContain("Where it tips");
    const s = await cli(
      "stability",
      join(dir, "s.yaml"),
      "--set",
      "load=0.8",
      "--replications",
      "1",
      "--out",
      join(dir, "st"),
    );
    expect(s.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "st", "stability.json"), "utf8"));
    expect(json.load).toBeCloseTo(4, 9);
    expect(readFileSync(join(dir, "st", "report.html"), "utf8")).toContain("Loop by loop");
  });

  it("fluid --set moves the band as theory says, and load scales the operating load", async () => {
    // M/M/1 at 10 req/s, unbounded queue: a stuck state exists from capacity / maxAttempts.
    const dir = scratchWith({ "s.yaml": PAUSE_STORM });
    const band = async (...set: string[]) => {
      const r = await cli("fluid", join(dir, "s.yaml"), "--json", ...set.flatMap((x) => ["--set", x]));
      expect(r.stderr).toBe("");
      return JSON.parse(r.stdout) as { load: number; bistable: { low: number | null } };
    };
    expect((await band()).bistable.low).toBeCloseTo(10 / 5, 9);
    expect((await band("clients.client.maxAttempts=4")).bistable.low).toBeCloseTo(10 / 4, 9);
    const scaled = await band("clients.client.maxAttempts=2", "load=0.9");
    expect(scaled.bistable.low).toBeCloseTo(10 / 2, 9);
    expect(scaled.load).toBeCloseTo(4.5, 9);
    const text = await cli("fluid", join(dir, "s.yaml"), "--set", "clients.client.maxAttempts=2");
    expect(text.stdout).toMatch(/^with clients\.client\.maxAttempts=2:\n.*fluid model/);
    const out = join(dir, "fluid");
    const written = await cli("fluid", join(dir, "s.yaml"), "--set", "load=0.3", "--out", out);
    expect(written.code).toBe(0);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.indexOf("<h2>In plain words</h2>")).toBeLessThan(html.indexOf("<h2>Equilibria"));
    expect(html).toContain("At 1.5 req/s the healthy state is the only one");
    const bad = await cli("fluid", join(dir, "s.yaml"), "--set", "clients.client.retries=2");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/clients\.client has no "retries"/);
  });
});
