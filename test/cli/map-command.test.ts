import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./cli-harness.js";

const ROOT = join(import.meta.dirname, "..", "..");

const scratch = () => mkdtempSync(join(tmpdir(), "metastable-map-"));

// Short runs: 30 s of load with a 3 s pause of the server.
const PAUSE = `
name: pause-storm
seed: 3
duration: 30
drain: 2
sources:
  users: { target: client, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server, timeout: 1, maxAttempts: 4 }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.1 } }
triggers:
  - { kind: pause, target: server, at: 8, duration: 3 }
`;

function scenario(dir: string, text = PAUSE, name = "pause.yaml"): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const GRID = ["--x", "load=0.6:1.8:4", "--y", "triggers.0.duration=1:6:4"];

/** `metastable map` as a real process on a 4 x 4 grid, 2 replications, one thread, writing to `out`. */
function startMap(file: string, out: string) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "bin", "metastable.js"),
      "map",
      file,
      ...GRID,
      "--replications",
      "2",
      "--workers",
      "1",
      "--out",
      out,
    ],
    { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 },
  );
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return { child, stderr: () => stderr };
}

const AXES = ["--x", "load=0.6:1.8:3", "--y", "triggers.0.duration=1:6:2", "--replications", "2"];

describe("metastable map", () => {
  it("prints a table, and --out writes the map, two heatmaps, a report and a checkpoint", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const r = await cli("map", file, ...AXES, "--workers", "1", "--out", join(dir, "out"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("pause-storm: 3 x 2 cells, 2 replications each (seeds 3..4)");
    expect(r.stdout).toMatch(
      /P\(stuck\) \(rows: triggers.0.duration, columns: load\)\n\s+0.6\s+1.2\s+1.8\n\s+6 /,
    );
    for (const f of ["map.json", "map-stuck.svg", "map-goodput.svg", "report.html", "checkpoint.jsonl"])
      expect(existsSync(join(dir, "out", f)), f).toBe(true);
    const map = JSON.parse(readFileSync(join(dir, "out", "map.json"), "utf8"));
    expect(map.cells).toHaveLength(6);
    expect(map.x.values).toEqual([0.6, 1.2, 1.8]);
    // The fluid band along the load axis: 4 attempts at a 10 req/s server keep a stuck queue
    // growing from 10 / 4 = 2.5 req/s, half the scenario's 5; the pause's length does not move it.
    expect(map.fluid.note).toBeNull();
    expect(map.fluid.loadAxis).toBe("x");
    expect(map.fluid.bands.map((b: { value: number }) => b.value)).toEqual([1, 6]);
    for (const b of map.fluid.bands) expect(b.low).toBeCloseTo(0.5, 9);
    expect(r.stdout).toMatch(/Fluid model band \(load as a factor.*\n\s+triggers.0.duration = 1: 0.5 to /);
    const html = readFileSync(join(dir, "out", "report.html"), "utf8");
    expect(html).toContain('<figure id="chart-map-stuck"');
    expect(html).toContain("<svg");
    // Plain progress lines on a non-terminal stderr; --quiet silences them.
    expect(r.stderr).toMatch(/map: 12\/12 trials \(100%\)/);
  });

  it("gives byte-identical JSON with 1 and 2 worker threads, refinement included", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const one = await cli("map", file, ...AXES, "--refine", "1", "--json", "--workers", "1", "--quiet");
    const two = await cli("map", file, ...AXES, "--refine", "1", "--json", "--workers", "2", "--quiet");
    expect(JSON.parse(one.stdout).refine).toBe(1);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(one.stderr).toBe("");
    expect(two.stdout).toBe(one.stdout);
  });

  it("merges shards 1/2 and 2/2 into exactly the unsharded map; duplicates are harmless", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const whole = await cli("map", file, ...AXES, "--json", "--workers", "1", "--quiet");
    const p1 = join(dir, "p1.jsonl");
    const s1 = await cli(
      "map",
      file,
      ...AXES,
      "--shard",
      "1/2",
      "--partial",
      p1,
      "--workers",
      "2",
      "--quiet",
    );
    expect(s1.code, s1.stderr).toBe(0);
    expect(s1.stdout).toContain(`shard 1/2: 3 cells, 6 trials written to ${p1}`);
    const s2 = await cli(
      "map",
      file,
      ...AXES,
      "--shard",
      "2/2",
      "--out",
      join(dir, "s2"),
      "--workers",
      "1",
      "--quiet",
    );
    expect(s2.code, s2.stderr).toBe(0);
    const p2 = join(dir, "s2", "partial-2-of-2.jsonl");
    // With the scenario, the merged map draws the fluid band as the unsharded one does.
    const merged = await cli("merge", p1, p2, p1, "--json", "--scenario", file, "--out", join(dir, "merged"));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
    expect(readFileSync(join(dir, "merged", "map.json"), "utf8")).toBe(whole.stdout);

    const missing = await cli("merge", p1);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/6 of 12 trials are missing/);

    const other = scenario(dir, PAUSE.replace("rate: 5", "rate: 4"), "other.yaml");
    const p3 = join(dir, "p3.jsonl");
    await cli("map", other, ...AXES, "--shard", "2/2", "--partial", p3, "--workers", "1", "--quiet");
    const refused = await cli("merge", p1, p3);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/p3.jsonl comes from a different scenario .* refusing to merge/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    // Without the scenario the band is not drawn, and says why; with another scenario, refused.
    const bare = JSON.parse((await cli("merge", p1, p2, "--json")).stdout);
    expect(bare.fluid.note).toMatch(/no scenario text; give the scenario with --scenario/);
    expect(bare.fluid.bands).toEqual([]);
    const wrong = await cli("merge", p1, p2, "--scenario", other);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/is not the scenario the partials were run on/);
  });

  it("resumes from its checkpoint without recomputing and ends with the uninterrupted result", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const out = join(dir, "out");
    const full = await cli("map", file, ...AXES, "--workers", "1", "--quiet", "--out", out);
    expect(full.code).toBe(0);
    const mapJson = readFileSync(join(out, "map.json"), "utf8");
    // Simulate a run killed after 5 trials, mid-way through writing the sixth line.
    const lines = readFileSync(join(out, "checkpoint.jsonl"), "utf8").split("\n");
    const resumed = join(dir, "resumed");
    mkdirSync(resumed);
    writeFileSync(
      join(resumed, "checkpoint.jsonl"),
      `${lines.slice(0, 6).join("\n")}\n${lines[6]!.slice(0, 20)}`,
    );
    const again = await cli("map", file, ...AXES, "--workers", "2", "--out", resumed);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("checkpoint.jsonl: 5 of 12 trials already done");
    expect(again.stderr).toMatch(/map: 7\/7 trials/);
    expect(readFileSync(join(resumed, "map.json"), "utf8")).toBe(mapJson);
    // The torn line was cut off: the checkpoint now holds every job once, each on a whole line.
    const cp = readFileSync(join(resumed, "checkpoint.jsonl"), "utf8");
    expect(cp.endsWith("\n")).toBe(true);
    expect(cp.trim().split("\n")).toHaveLength(13);

    const otherOut = await cli(
      "map",
      file,
      "--x",
      "load=0.5:1:2",
      "--y",
      "triggers.0.duration=1:6:2",
      "--out",
      resumed,
    );
    expect(otherOut.code).toBe(2);
    expect(otherOut.stderr).toMatch(/checkpoint of a different sweep .*delete it or choose another output/);
  });

  // Once accepted and merged into the map (exit 0).
  it("refuses a checkpoint or partial line whose result is not a result, naming file and line", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const out = join(dir, "out");
    expect((await cli("map", file, ...AXES, "--workers", "1", "--quiet", "--out", out)).code).toBe(0);
    const lines = readFileSync(join(out, "checkpoint.jsonl"), "utf8").split("\n");
    for (const [what, bad] of [
      ["verdict", lines[2]!.replace(/"verdict":"\w+"/, '"verdict":"bogus"')],
      ["goodputRatio", lines[2]!.replace(/"goodputRatio":[^,]+/, '"goodputRatio":"abc"')],
      ["seed", lines[2]!.replace(/"seed":\d+/, '"seed":-1')],
    ] as const) {
      const tampered = join(dir, `tampered-${what}`);
      mkdirSync(tampered);
      writeFileSync(
        join(tampered, "checkpoint.jsonl"),
        [lines[0], lines[1], bad, ...lines.slice(3)].join("\n"),
      );
      const r = await cli("map", file, ...AXES, "--workers", "1", "--quiet", "--out", tampered);
      expect(r.code, what).toBe(2);
      expect(r.stderr, what).toMatch(
        /checkpoint\.jsonl:3(: not a job record| holds a result metastable cannot read)/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("stops with a message and exit code 143 on SIGTERM, keeping finished trials", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const out = join(dir, "out");
    const { child, stderr } = startMap(file, out);
    const checkpoint = join(out, "checkpoint.jsonl");
    await expect
      .poll(() => existsSync(checkpoint) && readFileSync(checkpoint, "utf8").split("\n").length > 3, {
        timeout: 60_000,
        interval: 20,
      })
      .toBe(true);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code, stderr()).toBe(143);
    expect(stderr()).toMatch(
      /terminated \(SIGTERM\): \d+ of 32 trials finished, kept in .*checkpoint\.jsonl/,
    );
  }, 120_000);

  it("stops cleanly on Ctrl-C, keeps finished trials and resumes to the same map", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const out = join(dir, "out");
    const { child, stderr: output } = startMap(file, out);
    const checkpoint = join(out, "checkpoint.jsonl");
    const started = Date.now();
    while (!(existsSync(checkpoint) && readFileSync(checkpoint, "utf8").split("\n").length > 4)) {
      if (Date.now() - started > 30_000) throw new Error(`no progress: ${output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    const stderr = output();
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(
      /interrupted: \d+ of 32 trials finished, kept in .*checkpoint.jsonl; run the same command again to resume/,
    );
    expect(existsSync(join(out, "map.json"))).toBe(false);
    const kept = Number(/interrupted: (\d+) of/.exec(stderr)![1]);
    expect(kept).toBeLessThan(32);

    const resumed = await cli("map", file, ...GRID, "--replications", "2", "--workers", "1", "--out", out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${kept} of 32 trials already done`);
    const fresh = await cli(
      "map",
      file,
      ...GRID,
      "--replications",
      "2",
      "--workers",
      "2",
      "--json",
      "--quiet",
    );
    expect(readFileSync(join(out, "map.json"), "utf8")).toBe(fresh.stdout);
  });

  it.each([
    [
      ["--x", "clients.api.timeout=0.1:1:3"],
      /unknown parameter "clients.api.timeout": clients has no "api"; keys there: client/,
    ],
    [["--x", "sources.users.profile=1:2:3"], /parameter "sources.users.profile" is not a number/],
    [["--x", "load=2:1:3"], /reversed/],
    [["--x", "load=1:1:3"], /empty/],
    [["--x", "load=1:2:0"], /<steps> must be an integer >= 1/],
    [["--x", "load=1:2"], /must look like <param>=<from>:<to>:<steps>/],
    [["--x", "load=0.5:1:2", "--replications", "0"], /--replications must be an integer >= 1/],
    [["--x", "load=0.5:1:2", "--shard", "3/2", "--partial", "p.jsonl"], /--shard must be i\/n/],
    [
      ["--x", "load=0.5:1:2", "--shard", "1/2"],
      /--shard writes a partial result: give --partial FILE or --out DIR/,
    ],
    [["--x", "load=0.5:1:2", "--workers", "0"], /--workers must be an integer from 1 to \d+/],
    [
      ["--x", "load=0.5:1:2", "--workers", "1000000000"],
      /--workers must be an integer from 1 to \d+ \(four threads per core/,
    ],
    [
      ["--x", "load=0.5:1:2", "--refine", "1", "--shard", "1/2", "--partial", "p.jsonl"],
      /--refine picks cells from the whole map/,
    ],
    [["--x", "load=0.5:1:2", "--refine", "-1"], /--refine must be an integer from 0 to 10/],
    // Once out of memory after 40 s (exit 134): each axis was capped, their product was not.
    [
      ["--x", "load=0.1:2:10000", "--y", "triggers.0.duration=1:6:10000"],
      /10000 x 10000 cells x 5 replications is 500,000,000 trials; a map runs at most 1,000,000/,
    ],
  ])("refuses bad input %j with exit code 2", async (flags, message) => {
    const dir = scratch();
    const file = scenario(dir);
    const r = await cli("map", file, "--y", "triggers.0.duration=1:6:2", ...flags, "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("threshold and compare on worker threads", () => {
  it("give the same JSON with 1 and 2 workers", async () => {
    const dir = scratch();
    const file = scenario(dir);
    const args = ["threshold", file, "--replications", "2", "--tolerance", "0.4", "--json", "--quiet"];
    const one = await cli(...args, "--workers", "1");
    const two = await cli(...args, "--workers", "2");
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const variant = scenario(dir, PAUSE.replace("maxAttempts: 4", "maxAttempts: 1"), "no-retry.yaml");
    const c1 = await cli(
      "compare",
      file,
      variant,
      "--replications",
      "3",
      "--json",
      "--quiet",
      "--workers",
      "1",
    );
    const c2 = await cli(
      "compare",
      file,
      variant,
      "--replications",
      "3",
      "--json",
      "--quiet",
      "--workers",
      "2",
    );
    expect(c1.code, c1.stderr).toBe(0);
    expect(c2.stdout).toBe(c1.stdout);
  });
});
