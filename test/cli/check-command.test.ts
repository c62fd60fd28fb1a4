import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, PAUSE_STORM, scratchWith } from "./cli-harness.js";

const CHECKS = `replications: 3
checks:
  - name: dropping expired work breaks the storm
    scenario: s.yaml
    set: { servers.server.dropExpired: true }
    recovers: { within: 30, atLeast: 3 }
  - name: goodput holds with dropping
    scenario: s.yaml
    set: { servers.server.dropExpired: true }
    goodput: { atLeast: 0.9 }
  - name: the plain storm recovers
    scenario: s.yaml
    recovers: { atLeast: 2, of: 3 }
`;

describe("metastable check", () => {
  it("exits 0 when every check holds and 1 when one fails, with JUnit, Markdown and seeds to replay", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": CHECKS });
    const junit = join(dir, "out", "junit.xml");
    const markdown = join(dir, "out", "summary.md");
    const r = await cli(
      "check",
      join(dir, "checks.yaml"),
      "--workers",
      "1",
      "--quiet",
      "--junit",
      junit,
      "--markdown",
      markdown,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /PASS {2}dropping expired work breaks the storm\n {6}recovers within 30 s on 3 of 3 seeds/,
    );
    expect(r.stdout).toMatch(/PASS {2}goodput holds with dropping/);
    expect(r.stdout).toMatch(
      /FAIL {2}the plain storm recovers\n {6}recovers on 0 of 3 seeds \(required: at least 2\)/,
    );
    expect(r.stdout).toMatch(/replay: metastable run .*s\.yaml --seed 1\n/);
    expect(r.stdout).toContain("1 of 3 checks failed.");
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/<testsuites name="metastable check" tests="3" failures="1">/);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toMatch(/<failure message="recovers on 0 of 3 seeds[^"]*" type="recovers">/);
    expect(xml).toMatch(/seed 2: metastable/);
    const md = readFileSync(markdown, "utf8");
    expect(md).toMatch(/^### Metastable checks: 1 of 3 failed/);
    expect(md).toContain("| ✅ | dropping expired work breaks the storm |");
    expect(md).toMatch(/#### ❌ the plain storm recovers[\s\S]*replay: metastable run/);

    const passing = CHECKS.replace(/ {2}- name: the plain storm[\s\S]*$/, "");
    const ok = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": passing });
    const good = await cli("check", join(ok, "checks.yaml"), "--workers", "1", "--quiet");
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("All 2 checks hold.");
  });

  it("gives the same outcome from its cache without running a trial again", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": CHECKS });
    const cache = join(dir, "cache", "trials.jsonl");
    const first = await cli("check", join(dir, "checks.yaml"), "--workers", "1", "--quiet", "--cache", cache);
    // The first two checks run the same trials: 3 distinct for them, 3 for the plain scenario.
    expect(readFileSync(cache, "utf8").trim().split("\n")).toHaveLength(6);
    const second = await cli("check", join(dir, "checks.yaml"), "--workers", "1", "--cache", cache);
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("reused 9 trials");
    expect(second.stderr).not.toMatch(/check: \d+\/\d+ trials/);
  });

  it("tippingLoad runs the scenario at that multiple of its load, and latency reads p99", async () => {
    const dir = scratchWith({
      "s.yaml": PAUSE_STORM,
      "checks.yaml": `checks:
  - name: headroom
    scenario: s.yaml
    set: { servers.server.dropExpired: true }
    tippingLoad: { atLeast: 1.2, of: 2 }
  - name: fast
    scenario: s.yaml
    latency: { p99: 0.001, of: 2 }
`,
    });
    const r = await cli("check", join(dir, "checks.yaml"), "--workers", "1", "--quiet");
    expect(r.stdout).toMatch(
      /PASS {2}headroom\n {6}at 1\.2 x the base load \(6 req\/s\) stuck on 0 of 2 seeds/,
    );
    expect(r.stdout).toMatch(/FAIL {2}fast\n {6}p99 latency within 1 ms on 0 of 2 seeds/);
    expect(r.code).toBe(1);
  });

  it("refuses a bad checks file with located errors and exit 2, running nothing", async () => {
    const bad = `checks:
  - name: a
    scenario: s.yaml
    recovers: { within: 10 }
    goodput: { atLeast: 0.9 }
  - name: b
    scenario: missing.yaml
    recovers: {}
  - name: c
    scenario: s.yaml
    set: { clients.client.retries: 2 }
    latency: { p99: 1, atLeast: 11, of: 10 }
  - name: d
    scenario: s.yaml
    recover: {}
`;
    const dir = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": bad });
    const r = await cli("check", join(dir, "checks.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the checks cannot be run:\n/);
    expect(r.stderr).toContain('checks.yaml:15:14: checks.3.recover: unknown field "recover"');
    const fixed = bad.replace("recover: {}", "recovers: {}");
    const dir2 = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": fixed });
    const r2 = await cli("check", join(dir2, "checks.yaml"));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      /checks\.yaml:2:5: checks\.0: one expectation per check, got recovers and goodput/,
    );
    expect(r2.stderr).toMatch(
      /checks\.yaml:7:15: checks\.1\.scenario: no such scenario file: .*missing\.yaml/,
    );
    expect(r2.stderr).toMatch(
      /checks\.yaml:12:33: checks\.2\.latency\.atLeast: atLeast \(11\) is more than the seeds run \(of: 10\)/,
    );
    expect(r2.stderr).not.toMatch(/PASS|FAIL/);
    const missing = await cli("check", join(dir, "nope.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: no such file/);
  });

  it("names a --set path that does not exist at the check's set field", async () => {
    const dir = scratchWith({
      "s.yaml": PAUSE_STORM,
      "checks.yaml":
        "checks:\n  - name: a\n    scenario: s.yaml\n    set: { clients.client.retries: 2 }\n    recovers: {}\n",
    });
    const r = await cli("check", join(dir, "checks.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /checks\.yaml:4:\d+: checks\.0\.set: unknown parameter "clients\.client\.retries"/,
    );
  });
});
