import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./cli-harness.js";

const SCENARIO = "scenarios/retry-storm.yaml";

const scratch = () => mkdtempSync(join(tmpdir(), "metastable-cli-"));

describe("metastable run", () => {
  it("prints the seed's summary: configuration, request flow, key metrics and a phase table", async () => {
    const { code, stdout } = await cli("run", SCENARIO);
    expect(code).toBe(0);
    for (const heading of [
      "Configuration:",
      "Request flow:",
      "Key metrics:",
      "Retry amplification",
      "Overall timeout rate",
    ]) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toMatch(/20 req\/s\s+20–30/);
    expect(stdout.replace(/[\d.]+ s wall/, "<wall> s wall")).toMatchSnapshot();
  });

  it("--json prints one JSON document with the documented fields", async () => {
    const { code, stdout } = await cli("run", SCENARIO, "--json", "--seed", "3");
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ scenario: "retry-storm", seed: 3, simulatedSeconds: 110 });
    for (const key of ["wallSeconds", "events", "retryAmplification", "finalQueueDepth", "phases"])
      expect(r).toHaveProperty(key);
    for (const key of [
      "requests",
      "attempts",
      "served",
      "completions",
      "timeouts",
      "retries",
      "gaveUp",
      "wasted",
    ]) {
      expect(typeof r.totals[key]).toBe("number");
    }
    expect(r.phases).toHaveLength(3);
    for (const key of [
      "start",
      "end",
      "offeredPerSec",
      "throughputPerSec",
      "goodputPerSec",
      "timeoutsPerSec",
      "retriesPerSec",
      "queueDepthMean",
      "queueDepthMax",
      "latencyP50",
      "latencyP99",
    ]) {
      expect(r.phases[0]).toHaveProperty(key);
    }
    expect({ ...r, wallSeconds: 0 }).toMatchSnapshot();
  });

  it("--out writes the JSON, CSV series, the eight charts, one chart per characteristic metric and a self-contained report", async () => {
    const dir = join(scratch(), "out");
    const { code, stdout } = await cli("run", SCENARIO, "--out", dir);
    expect(code).toBe(0);
    expect(stdout).toContain("report.html");
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        "attempts.svg",
        "gauges.csv",
        "goodput.svg",
        "latency-histogram.svg",
        "latency.svg",
        "load-profile.svg",
        "metric-minQueueDelay.svg",
        "metric-queueDepth.svg",
        "metric-retryAmplification.svg",
        "metric-retryRate.svg",
        "metric-timeoutRate.svg",
        "metric-wastedFraction.svg",
        "queue-depth.svg",
        "rates.csv",
        "report.html",
        "result.json",
        "retries.svg",
        "timeouts.svg",
      ].sort(),
    );
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(14);
    expect(readFileSync(join(dir, "gauges.csv"), "utf8").split("\n")[0]).toBe(
      "time,queue_total,utilisation,capacity_per_s,queue_depth_server,users.offeredRate,client.inFlight,server.inFlight",
    );
    expect(JSON.parse(readFileSync(join(dir, "result.json"), "utf8")).scenario).toBe("retry-storm");
  });

  it("refuses a bad scenario with file:line:field, exit 2, no stack trace and nothing written", async () => {
    const dir = scratch();
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(SCENARIO, "utf8").replace("concurrency: 1", "concurrency: 0"));
    const out = join(dir, "out");
    const { code, stderr, stdout } = await cli("run", bad, "--out", out);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /bad\.yaml:\d+:\d+: servers\.server\.concurrency: expected an integer >= 1, got 0/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(["bad.yaml"]);
  });

  it("exit 2 for a missing file, a non-YAML file, bad flags and a blown budget", async () => {
    expect((await cli("run", "nope.yaml")).code).toBe(2);
    const dir = scratch();
    writeFileSync(join(dir, "x.yaml"), "{{{ not yaml");
    const notYaml = await cli("run", join(dir, "x.yaml"));
    expect(notYaml.code).toBe(2);
    expect(notYaml.stderr).toMatch(/x\.yaml:1:\d+: not valid YAML/);
    expect((await cli("run", SCENARIO, "--seed", "-4")).code).toBe(2);
    expect((await cli("run", SCENARIO, "--bogus")).code).toBe(2);
    expect((await cli("run")).code).toBe(2);
    const budget = await cli("run", SCENARIO, "--max-events", "1000");
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/event budget.*--max-events/);
  });

  it("--help on every command, exit 0", async () => {
    const top = await cli("--help");
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("run [options] <scenario>");
    const run = await cli("run", "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--out <dir>");
  });
});

describe("metastable catalog", () => {
  it("lists every scenario, and docs/catalog.md is its Markdown", async () => {
    const list = await cli("catalog");
    expect(list.code).toBe(0);
    const files = readdirSync("scenarios").filter((f) => f.endsWith(".yaml"));
    for (const f of files) expect(list.stdout).toContain(f);
    const md = await cli("catalog", "--markdown");
    expect(md.code).toBe(0);
    expect(readFileSync("docs/catalog.md", "utf8")).toBe(md.stdout);
  });

  it("every catalog scenario has a description", async () => {
    const md = (await cli("catalog", "--markdown")).stdout;
    expect(md).not.toContain("(no description)");
  });

  it("a missing folder is bad input", async () => {
    expect((await cli("catalog", "no-such-folder")).code).toBe(2);
  });
});
