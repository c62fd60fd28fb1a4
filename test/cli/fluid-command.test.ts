import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./cli-harness.js";

describe("metastable fluid", () => {
  it("prints the band, the equilibria, tipping and recovery", async () => {
    const { code, stdout, stderr } = await cli("fluid", "scenarios/gc-pause.yaml");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatchSnapshot();
  });

  it("names the JSON fields as documented", async () => {
    const { code, stdout } = await cli("fluid", "scenarios/retry-storm.yaml", "--json", "--load", "5");
    expect(code).toBe(0);
    const a = JSON.parse(stdout);
    expect(a.bistable.low).toBeCloseTo(2, 9);
    expect(a.bistable.high).toBeGreaterThan(5);
    expect(a.equilibria.map((e: { kind: string }) => e.kind)).toEqual(["healthy", "saddle", "stuck"]);
    expect(Object.keys(a.tippingDisturbance)).toEqual(["queue", "spikeRate", "seconds", "note"]);
    expect(Object.keys(a.recovery)).toEqual(["load", "drainLoad", "from", "seconds", "note"]);
  });

  it("writes the charts and a report with --out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "metastable-fluid-"));
    const { code, stdout } = await cli("fluid", "scenarios/gc-pause.yaml", "--out", dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Wrote 5 files/);
    for (const f of ["fluid.json", "fluid-bifurcation.svg", "fluid-portrait.svg", "fluid-trajectory.svg"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("bistable between 33.3 and 88.5 req/s");
    expect(html.match(/<svg/g)).toHaveLength(3);
  });

  it("refuses a scenario it does not cover with exit 2, naming the component", async () => {
    const { code, stdout, stderr } = await cli("fluid", "scenarios/lease-renewal-storm.yaml");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: the fluid model does not cover this scenario:\n/);
    expect(stderr).toMatch(
      /scenarios\/lease-renewal-storm\.yaml:\d+:\d+: leaseFleets\.dwfm: lease fleet "dwfm"/,
    );
    expect(stderr).not.toMatch(/at .*\.ts/);
  });

  it("treats a missing file and a bad flag as bad input", async () => {
    expect((await cli("fluid", "nope.yaml")).code).toBe(2);
    expect((await cli("fluid", "scenarios/gc-pause.yaml", "--load", "-3")).code).toBe(2);
  });
});
