import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runScenario } from "../../src/scenario/run.js";
import { load } from "./hostile-scenario.js";

/**
 * Hand-written hostile files, each once a crash, a hang or an out-of-memory found by fuzzing (or a
 * classic attack on YAML loaders): every one must end in a located ScenarioError, quickly.
 */

const base = (extra = "", top = "duration: 10") =>
  `name: x\n${top}\nsources:\n  u: { target: c, profile: { kind: constant, rate: 5 } }\n` +
  `clients:\n  c: { target: s }\nservers:\n  s: { serviceTime: { kind: exponential, mean: 0.01 } }\n${extra}`;
const service = (dist: string) => base().replace("kind: exponential, mean: 0.01", dist);
const via = (target: string, extra: string) =>
  base(extra).replace("c: { target: s }", `c: { target: ${target} }`);

/** A chain of `n` balancers in front of the server, listed last-first when `reversed`. */
function balancerChain(n: number, reversed: boolean): string {
  const lines = Array.from(
    { length: n },
    (_, i) => `  b${i}: { backends: [${i === n - 1 ? "s" : `b${i + 1}`}] }`,
  );
  if (reversed) lines.reverse();
  return via("b0", `balancers:\n${lines.join("\n")}\n`);
}

function aliasBomb(): string {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\nname: x\nduration: 1\n`;
}

function nestedSums(depth: number): string {
  let p = "{ kind: constant, rate: 1 }";
  for (let i = 0; i < depth; i++) p = `{ kind: sum, of: [${p}] }`;
  return base().replace("{ kind: constant, rate: 5 }", p);
}

// [what, text, field of the first issue, message pattern]
const CASES: [string, () => string, string, RegExp][] = [
  ["YAML alias bomb (a billion laughs)", aliasBomb, "", /cannot be read.*alias/i],
  ["20,000 unclosed brackets", () => "[".repeat(20_000), "", /not valid YAML/],
  ["profiles nested 2000 deep", () => nestedSums(2000), "", /nested too deeply/],
  ["a 5 MB file", () => `# ${"x".repeat(5 * 1024 * 1024)}\n`, "", /larger than/],
  // Once a stack overflow or "circular structure" (exit 1, HTTP 500): aliases inside their own anchor.
  [
    "a profile that sums itself",
    () => base().replace("{ kind: constant, rate: 5 }", "&p { kind: sum, of: [*p] }"),
    "sources.u.profile.of.0",
    /alias \*p refers to itself/,
  ],
  ["triggers that list themselves", () => base("triggers: &t [*t]\n"), "triggers.0", /refers to itself/],
  ["a name that is itself", () => base().replace("name: x", "name: &n [*n]"), "name.0", /refers to itself/],
  [
    "a description nested in itself",
    () => base().replace("name: x", "name: x\ndescription: &d { a: { b: *d } }"),
    "description.a.b",
    /refers to itself/,
  ],
  // Once silently dropped (a server) or "not found" (a client).
  [
    "a server named __proto__",
    () => base().replace("servers:\n  s:", "servers:\n  __proto__:"),
    "servers",
    /"__proto__" cannot be a key or a name/,
  ],
  // Once "more than 16777216 requests in flight on one client" after 2.7 GB (exit 1).
  ["a rate of 1e300", () => base().replace("rate: 5", "rate: 1e300"), "sources.u.profile.rate", /<= 1000000/],
  ["a 1 MB binary file", () => `\u0000\u0001\u00ff`.repeat(350_000), "", /not a text file/],
  // Once a stack overflow (recursive build order), then a stack overflow when forwarding calls.
  [
    "a chain of 1000 balancers",
    () => balancerChain(1000, false),
    "balancers.b97.backends.0",
    /more than 100/,
  ],
  [
    "the same chain listed backwards",
    () => balancerChain(1000, true),
    "balancers.b97.backends.0",
    /more than 100/,
  ],
  // Once out of memory: a billion objects built up front.
  [
    "a pool of 1e9 connections",
    () => via("p", "pools:\n  p: { backends: [s], size: 1e9 }\n"),
    "pools.p.size",
    /<= 1000000/,
  ],
  [
    "a fleet of 1e9 hosts",
    () => base("leaseFleets:\n  f: { target: c, hosts: 1e9, leaseDuration: 10, renewEvery: 5 }\n"),
    "leaseFleets.f.hosts",
    /<= 1000000/,
  ],
  [
    "an autoscaler starting 1e8 instances",
    () =>
      via(
        "b",
        "balancers:\n  b: { backends: [s] }\nautoscalers:\n  a: { target: b, targetValue: 0.5, minInstances: 1e8, maxInstances: 1e9, server: { serviceTime: { kind: constant, value: 0.01 } } }\n",
      ),
    "autoscalers.a.minInstances",
    /<= 10000/,
  ],
  // Once out of memory: the recorder keeps every probe of a 1e9 s run.
  [
    "a 1e9 s run probed every 0.1 s",
    () => base("", "duration: 1e9"),
    "probeInterval",
    /raise probeInterval to at least 500 s/,
  ],
  [
    "a 1000 s run with 1 µs windows",
    () => base("", "duration: 1000\nwindow: 1e-6"),
    "window",
    /raise window/,
  ],
  // Once a crash mid-run: samples of Infinity or NaN scheduled as event times.
  [
    "pareto with shape 1e-300",
    () => service("kind: pareto, scale: 1e-3, shape: 1e-300"),
    "servers.s.serviceTime.shape",
    /could reach Infinity/,
  ],
  [
    "weibull with shape 1e-300",
    () => service("kind: weibull, scale: 1, shape: 1e-300"),
    "servers.s.serviceTime.shape",
    /could reach Infinity/,
  ],
  [
    "lognormal with stddev 1e300",
    () => service("kind: lognormal, mean: 1e-300, stddev: 1e300"),
    "servers.s.serviceTime.stddev",
    /could reach NaN/,
  ],
  [
    "exponential with mean 1e308",
    () => service("kind: exponential, mean: 1e308"),
    "servers.s.serviceTime.mean",
    /could reach Infinity/,
  ],
  [
    "normal with stddev 1e308",
    () => service("kind: normal, mean: 1, stddev: 1e308, min: 0"),
    "servers.s.serviceTime.stddev",
    /could reach Infinity/,
  ],
];

describe("hostile scenario files found by fuzzing end in a located error", () => {
  for (const [what, make, field, message] of CASES) {
    it(what, () => {
      const verdict = load(make(), "hostile.yaml");
      expect(verdict.ok, what).toBe(false);
      if (verdict.ok) return;
      const first = verdict.error.issues[0]!;
      expect(first.field).toBe(field);
      expect(first.message).toMatch(message);
    });
  }

  it("a chain of 98 balancers (a path of 101 components) is refused, one of 97 runs", () => {
    expect(load(balancerChain(98, false), "hostile.yaml").ok).toBe(false);
    const verdict = load(balancerChain(97, true), "hostile.yaml");
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(runScenario(verdict.parsed).result.totals.completions).toBeGreaterThan(0);
  });

  // Once a stack overflow: each immediate retry of an attempt refused at once nested in the last.
  it("a client retrying 20,000 times at once against an unreachable server runs to the end", () => {
    const text = base("triggers:\n  - { kind: unreachable, target: s, at: 0, duration: 10 }\n").replace(
      "c: { target: s }",
      "c: { target: s, maxAttempts: 20000, backoff: { kind: none } }",
    );
    const verdict = load(text, "hostile.yaml");
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    const { totals } = runScenario(verdict.parsed).result;
    expect(totals.requests).toBeGreaterThan(20);
    expect(totals.attempts).toBe(20_000 * totals.requests);
    expect(totals.gaveUp).toBe(totals.requests);
  });

  // Once a crash mid-run: finish times that overflow to Infinity were scheduled as events.
  it("a database with contention 1e308 and a server slowed by the largest factor allowed run to the end", () => {
    const database = via(
      "k",
      "caches:\n  k: { target: d }\ndatabases:\n  d: { serviceTime: { kind: constant, value: 2 }, contention: 1e308 }\n",
    );
    const slowed =
      service("kind: constant, value: 2").replace("duration: 10", "duration: 30") +
      "triggers:\n  - { kind: slowdown, target: s, at: 1, duration: 20, factor: 1e6 }\n";
    for (const text of [database, slowed]) {
      for (const seed of [1, 2, 3, 4, 5]) {
        const verdict = load(text, "hostile.yaml");
        expect(verdict.ok).toBe(true);
        if (verdict.ok)
          expect(runScenario(verdict.parsed, { seed }).result.totals.requests).toBeGreaterThan(0);
      }
    }
  });

  // Once an internal error (exit 1): ECharts asserts on the axis range of a 1e-300 s timeout.
  it("a 1e-300 s timeout runs with --out; the charts ECharts cannot draw say so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "metastable-hostile-"));
    try {
      const file = join(dir, "tiny-timeout.yaml");
      writeFileSync(file, base().replace("c: { target: s }", "c: { target: s, timeout: 1e-300 }"));
      let stderr = "";
      const code = await main(
        ["run", file, "--out", join(dir, "out")],
        () => {},
        (s) => {
          stderr += s;
        },
      );
      expect(code, stderr).toBe(0);
      expect(readFileSync(join(dir, "out", "latency.svg"), "utf8")).toMatch(/not drawn/);
      expect(readFileSync(join(dir, "out", "report.html"), "utf8")).toMatch(/not drawn/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("heavy tails that stay finite are still accepted (pareto shape 0.5)", () => {
    expect(load(service("kind: pareto, scale: 0.001, shape: 0.5"), "hostile.yaml").ok).toBe(true);
  });

  // The parser's own duplicate check is quadratic (10 s here for 20,000 keys); the loader's is
  // linear. No wall-clock assertion: on a busy machine it would measure the machine, not the loader.
  it("duplicate keys among 20,000 are found, at the repeated key", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: 1`).join("\n");
    const verdict = load(`name: x\nduration: 1\nextra:\n${keys}\n  k7: 2\n`, "hostile.yaml");
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error.issues[0]).toMatchObject({
      line: 20_004,
      message: expect.stringMatching(/duplicate key "k7"/),
    });
  });

  it("a 4 MB scenario (a long description) loads", () => {
    const text = base().replace("name: x", `name: x\ndescription: ${"a".repeat(4 * 1024 * 1024 - 400)}`);
    expect(text.length).toBeLessThan(4 * 1024 * 1024);
    expect(load(text, "hostile.yaml").ok).toBe(true);
  });
});
