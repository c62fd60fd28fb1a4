import { readdirSync, readFileSync, writeFileSync } from "node:fs";
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

// PAUSE_STORM's fluid band worked out by hand: M/M/1 at 10 req/s with an unbounded queue, so a stuck
// state (every attempt times out, each request makes maxAttempts attempts) exists once maxAttempts x
// load reaches the capacity: from 10 / 5 = 2 req/s, or 10 / 2 = 5 req/s with two attempts. Without
// retries there is no band: one state, healthy below the capacity and overloaded above it.
const FLUID_CHECKS = `checks:
  - name: the storm's band holds the operating load
    scenario: s.yaml
    fluid: {}
  - name: at 1.5 req/s with 20% headroom
    scenario: s.yaml
    set: { load: 0.3 }
    fluid: { atLeast: 1.2 }
  - name: at 1.5 req/s with 40% headroom
    scenario: s.yaml
    set: { load: 0.3 }
    fluid: { atLeast: 1.4 }
  - name: two attempts at 4.5 req/s
    scenario: s.yaml
    set: { load: 0.9, clients.client.maxAttempts: 2 }
    fluid: {}
  - name: no retries at 5 req/s
    scenario: s.yaml
    set: { clients.client.maxAttempts: 1 }
    fluid: {}
  - name: no retries at 11 req/s
    scenario: s.yaml
    set: { clients.client.maxAttempts: 1, load: 2.2 }
    fluid: {}
`;

describe("metastable check: fluid", () => {
  it("holds exactly when the operating load (times atLeast) is below the fluid band, with evidence and a replay", async () => {
    const dir = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": FLUID_CHECKS });
    const junit = join(dir, "junit.xml");
    const markdown = join(dir, "checks.md");
    const r = await cli("check", join(dir, "checks.yaml"), "--junit", junit, "--markdown", markdown);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const verdicts = [...r.stdout.matchAll(/^(PASS|FAIL) {2}(.+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(verdicts).toEqual([
      "FAIL the storm's band holds the operating load",
      "PASS at 1.5 req/s with 20% headroom",
      "FAIL at 1.5 req/s with 40% headroom",
      "PASS two attempts at 4.5 req/s",
      "PASS no retries at 5 req/s",
      "FAIL no retries at 11 req/s",
    ]);
    expect(r.stdout).toMatch(
      /fluid model: bistable between 2 and [\d.]+ req\/s; at 1 x the operating load \(5 req\/s\) a stuck state exists beside the healthy one/,
    );
    expect(r.stdout).toContain("at 1.4 x the operating load (2.1 req/s) a stuck state exists");
    expect(r.stdout).toMatch(
      /bistable between 5 and [\d.]+ req\/s; at 1 x the operating load \(4\.5 req\/s\) the healthy state is the only one/,
    );
    expect(r.stdout).toContain("no bistable band; above 10 req/s the queue grows without bound");
    expect(r.stdout).toContain("(11 req/s) there is no healthy state: the load alone overloads it");
    // A fluid check has no seeds: it replays with the fluid command at the load it was judged at.
    expect(r.stdout).toMatch(/replay: metastable fluid .*s\.yaml --set load=0\.3 --load 2\.1\n/);
    expect(r.stdout).not.toMatch(/--seed/);
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<failure [^>]*type="fluid">/g)).toHaveLength(3);
    // M/M/1 at half its capacity: one call in the system on average, P(sojourn > 1 s) = e^-5.
    expect(xml).toContain("healthy state: queue 1, goodput 4.97 req/s, P(timeout) 0.00674");
    expect(readFileSync(markdown, "utf8")).toMatch(
      /#### ❌ no retries at 11 req\/s[\s\S]*at 11 req\/s: stuck\n/,
    );
  });

  it("refuses, before running anything, a fluid check on a scenario the fluid model does not cover", async () => {
    const withDeadline = PAUSE_STORM.replace("maxAttempts: 5 }", "maxAttempts: 5, deadline: 3 }");
    const dir = scratchWith({
      "s.yaml": withDeadline,
      "checks.yaml": "checks:\n  - name: cached\n    scenario: s.yaml\n    fluid: {}\n",
    });
    const r = await cli("check", join(dir, "checks.yaml"));
    expect(r.stdout).toBe("");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checks\.yaml:4:12: checks\.0\.fluid: the fluid model does not cover s\.yaml/);
    expect(r.stderr).toMatch(
      /s\.yaml:8:\d+: clients\.client\.deadline: client "client": an end-to-end deadline is not modelled/,
    );
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("refuses a headroom factor below 1 at its field", async () => {
    const dir = scratchWith({
      "s.yaml": PAUSE_STORM,
      "checks.yaml": "checks:\n  - name: a\n    scenario: s.yaml\n    fluid: { atLeast: 0.5 }\n",
    });
    const r = await cli("check", join(dir, "checks.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checks\.yaml:4:23: checks\.0\.fluid\.atLeast: .*>=1/);
  });
});

describe("metastable check --out", () => {
  it("writes a self-contained report with each check explained, its evidence and its replays", async () => {
    const checks = `replications: 2
checks:
  - name: dropping expired work breaks the storm
    scenario: s.yaml
    set: { servers.server.dropExpired: true }
    recovers: { within: 30 }
  - name: the plain storm recovers
    scenario: s.yaml
    recovers: {}
  - name: the storm's band holds the operating load
    scenario: s.yaml
    fluid: {}
`;
    const dir = scratchWith({ "s.yaml": PAUSE_STORM, "checks.yaml": checks });
    const out = join(dir, "report");
    const r = await cli("check", join(dir, "checks.yaml"), "--workers", "1", "--quiet", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Wrote 4 files to .*report \(open .*report\.html in a browser\)/);
    expect(readdirSync(out).sort()).toEqual(["checks.json", "checks.md", "junit.xml", "report.html"]);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain("<h1>Metastable checks: 2 of 3 checks failed</h1>");
    const sections = html.split('<section id="check-').slice(1);
    expect(sections).toHaveLength(3);
    // The passing simulated check: its run at the first seed in plain words, every seed's row.
    expect(sections[0]).toMatch(/^1" class="verdict verdict-recovered">\n<h2>PASS · dropping expired/);
    expect(sections[0]).toContain("<dt>What happened</dt><dd>The system degraded during the trigger");
    expect(sections[0]).toContain("describes the run at seed 1;");
    expect(sections[0]).toMatch(/<tr><td class="num">2<\/td><td>recovered<\/td>/);
    // The failing one: a seed that went against it, what kept it stuck, what to do, the replays.
    expect(sections[1]).toMatch(
      /^2" class="verdict verdict-metastable">\n<h2>FAIL · the plain storm recovers/,
    );
    expect(sections[1]).toContain("<dt>What happened</dt><dd>The system got stuck");
    expect(sections[1]).toContain("<dt>What kept it there</dt>");
    expect(sections[1]).toContain("<dt>What to do</dt>");
    expect(sections[1]).toContain("seed 1, one of the seeds that went against the check");
    expect(sections[1]).toMatch(/<td class="num">2 ✗<\/td><td>metastable<\/td>/);
    expect(sections[1]).toMatch(/<code>metastable run .*s\.yaml --seed 2<\/code>/);
    // The fluid check: the band read out, the tipping push, the recovery and the fluid replay.
    expect(sections[2]).toContain("<dt>What the model says</dt><dd>Between 2 and");
    expect(sections[2]).toContain(
      "At 5 req/s, inside that band, the stuck state exists beside the healthy one.",
    );
    expect(sections[2]).toContain("<dt>How it gets out</dt><dd>Below 2 req/s it recovers;");
    expect(sections[2]).toContain("Keep the operating load below 2 req/s");
    expect(sections[2]).toMatch(/<code>metastable fluid .*s\.yaml --load 5<\/code>/);
    const json = JSON.parse(readFileSync(join(out, "checks.json"), "utf8"));
    expect(json.checks.map((c: { passed: boolean }) => c.passed)).toEqual([true, false, false]);
    expect(json.checks[1].trials.map((t: { seed: number }) => t.seed)).toEqual([1, 2]);
  });

  it("refuses a folder holding other files before running anything", async () => {
    const dir = scratchWith({
      "s.yaml": PAUSE_STORM,
      "checks.yaml": "checks:\n  - name: a\n    scenario: s.yaml\n    recovers: {}\n",
    });
    writeFileSync(join(dir, "notes.txt"), "mine");
    const r = await cli("check", join(dir, "checks.yaml"), "--out", dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});
