import { describe, expect, it } from "vitest";
import { sequentialRunner } from "../../src/analysis/batch.js";
import {
  parseParamPath,
  readParam,
  SweepError,
  withParam,
  withParams,
} from "../../src/analysis/param-path.js";
import {
  axisValues,
  boundaryCells,
  cellSpec,
  plannedJobs,
  planSweep,
  runSweepJobs,
  type SweepHeader,
  summariseSweep,
  sweepCells,
  sweepJobs,
} from "../../src/analysis/sweep.js";
import { mergeRecords, parseRecord, recordText } from "../../src/analysis/sweep-record.js";
import type { TrialResult } from "../../src/analysis/trial.js";
import { parseAxis, parseShard } from "../../src/cli/sweep-flags.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

// A server at 50% load whose retrying clients may turn a pause into a lasting storm; short runs.
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
const parsed = parseScenarioText(PAUSE, "pause.yaml");

describe("parameter paths", () => {
  it("reads numbers at a path, indexing lists with digits", () => {
    expect(parseParamPath("triggers.0.duration")).toEqual(["triggers", 0, "duration"]);
    expect(readParam(parsed.spec, "clients.client.timeout")).toBe(1);
    expect(readParam(parsed.spec, "triggers.0.duration")).toBe(3);
    expect(readParam(parsed.spec, "sources.users.profile.rate")).toBe(5);
  });

  it("names the path, where it stopped and the keys that exist there", () => {
    expect(() => readParam(parsed.spec, "clients.api.timeout")).toThrow(
      /unknown parameter "clients.api.timeout": clients has no "api"; keys there: client/,
    );
    expect(() => readParam(parsed.spec, "clients.client.timout")).toThrow(
      /clients.client has no "timout"; keys there: target, timeout, maxAttempts/,
    );
    expect(() => readParam(parsed.spec, "triggers.3.at")).toThrow(
      /triggers has no "3"; keys there: indices 0..0/,
    );
    expect(() => readParam(parsed.spec, "nope")).toThrow(/the scenario's top level has no "nope"/);
    expect(() => readParam(parsed.spec, "clients..x")).toThrow(SweepError);
  });

  it("refuses targets that are not numbers", () => {
    expect(() => readParam(parsed.spec, "sources.users.profile")).toThrow(
      /not a number \(it is a section with keys kind, rate\)/,
    );
    expect(() => readParam(parsed.spec, "clients.client.target")).toThrow(
      /not a number \(it is string "server"\)/,
    );
  });

  it("sets a value on a copy and scales load last", () => {
    const before = JSON.stringify(parsed.spec);
    const t = withParam(parsed.spec, "triggers.0.duration", 7);
    expect(readParam(t, "triggers.0.duration")).toBe(7);
    expect(JSON.stringify(parsed.spec)).toBe(before);
    const both = withParams(parsed.spec, [
      { param: "load", value: 2 },
      { param: "sources.users.profile.rate", value: 4 },
    ]);
    expect(readParam(both, "sources.users.profile.rate")).toBe(8);
  });
});

describe("axes and shards", () => {
  it("parses ranges and spaces values evenly without float noise", () => {
    const a = parseAxis("clients.client.timeout=0.1:0.3:3", "--x");
    expect(a).toEqual({ param: "clients.client.timeout", from: 0.1, to: 0.3, steps: 3 });
    expect(axisValues(a)).toEqual([0.1, 0.2, 0.3]);
    expect(axisValues(parseAxis("load=1:1:1", "--y"))).toEqual([1]);
  });

  it.each([
    ["load", /must look like <param>=<from>:<to>:<steps>/],
    ["load=a:2:3", /<from> must be a number, got "a"/],
    ["load=1:2:0", /<steps> must be an integer >= 1/],
    ["load=1:2:2.5", /<steps> must be an integer >= 1/],
    ["load=2:1:3", /reversed/],
    ["load=1:1:3", /empty/],
    ["load=1:2:1", /1 step needs <from> = <to>/],
  ])("refuses %s", (text, message) => {
    expect(() => parseAxis(text, "--x")).toThrow(message);
  });

  it("parses 1-based shards and refuses others", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/2", "3/2", "1/0", "1-2", "a/b", ""])
      expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });
});

describe("sweep plan", () => {
  const x = parseAxis("load=0.5:1.5:3", "--x");
  const y = parseAxis("triggers.0.duration=1:5:2", "--y");
  const header = planSweep(parsed, x, y, 2);

  it("lays cells out row by row and gives every job a distinct identity", () => {
    const cells = sweepCells(header);
    expect(cells).toHaveLength(6);
    expect(cells[4]).toEqual({ index: 4, ix: 1, iy: 1, x: 1, y: 5 });
    const jobs = sweepJobs(header);
    expect(jobs).toHaveLength(12);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(12);
    expect(jobs.map((j) => j.seed).slice(0, 2)).toEqual([3, 4]);
    expect(readParam(cellSpec(parsed.spec, header, cells[4]!), "triggers.0.duration")).toBe(5);
  });

  it("splits jobs into disjoint shards by cell that cover the sweep", () => {
    const all = sweepJobs(header).map((j) => j.id);
    const shards = [1, 2, 3, 4].map((i) => sweepJobs(header, { index: i, count: 4 }).map((j) => j.id));
    expect(shards.flat().sort()).toEqual([...all].sort());
    expect(sweepJobs(header, { index: 2, count: 4 }).map((j) => j.cell)).toEqual([1, 1, 5, 5]);
  });

  it("identifies jobs by scenario content, not file name", () => {
    const renamed = planSweep(parseScenarioText(PAUSE, "elsewhere/other.yaml"), x, y, 2);
    expect(sweepJobs(renamed).map((j) => j.id)).toEqual(sweepJobs(header).map((j) => j.id));
    const changed = planSweep(parseScenarioText(PAUSE.replace("rate: 5", "rate: 6"), "pause.yaml"), x, y, 2);
    expect(sweepJobs(changed)[0]!.id).not.toBe(sweepJobs(header)[0]!.id);
  });

  it("refuses a value the scenario cannot run with, naming the flag and the field", () => {
    expect(() => planSweep(parsed, parseAxis("clients.client.maxAttempts=0:2:3", "--x"), y, 1)).toThrow(
      /--x clients.client.maxAttempts=0 gives a scenario that cannot run:\n.*maxAttempts/,
    );
    expect(() => planSweep(parsed, x, x, 1)).toThrow(/both sweep "load"/);
    expect(() => planSweep(parsed, x, y, 0)).toThrow(/--replications must be an integer >= 1/);
  });
});

describe("running, records and merging", () => {
  const header: SweepHeader = planSweep(
    parsed,
    parseAxis("load=0.6:1.6:2", "--x"),
    parseAxis("triggers.0.duration=1:6:2", "--y"),
    2,
  );

  it("runs the missing jobs, reports each, and summarises per cell", async () => {
    const done = new Map<string, TrialResult>();
    const seen: string[] = [];
    await runSweepJobs(parsed, header, sweepJobs(header), sequentialRunner(parsed), done, {
      onResult: (job) => seen.push(job.id),
    });
    expect(seen).toEqual(sweepJobs(header).map((j) => j.id));
    const map = summariseSweep(header, done);
    expect(map.cells).toHaveLength(4);
    for (const c of map.cells) {
      expect(c.pStuck.n).toBe(2);
      expect(Object.values(c.verdicts).reduce((a, b) => a + b, 0)).toBe(2);
    }
    // Heavier load with a longer pause cannot be healthier than light load with a short one.
    expect(map.cells[3]!.goodputRatio.mean).toBeLessThanOrEqual(map.cells[0]!.goodputRatio.mean);

    // A second pass finds nothing to do.
    const again: string[] = [];
    await runSweepJobs(parsed, header, sweepJobs(header), sequentialRunner(parsed), done, {
      onResult: (job) => again.push(job.id),
    });
    expect(again).toEqual([]);

    // Shard records round-trip, merge to the same map, and tolerate duplicates.
    const parts = [1, 2].map((i) =>
      parseRecord(
        recordText(header, { index: i, count: 2 }, sweepJobs(header, { index: i, count: 2 }), done),
        `p${i}`,
      ),
    );
    const merged = mergeRecords([parts[0]!, parts[1]!, parts[0]!]);
    expect(JSON.stringify(summariseSweep(merged.header, merged.results))).toBe(JSON.stringify(map));
    expect(() => summariseSweep(header, parts[0]!.results)).toThrow(
      /4 of 8 trials are missing \(in 2 of 4 cells\)/,
    );

    // A torn last line is dropped; a torn line in the middle is refused.
    const text = recordText(header, null, sweepJobs(header), done);
    const torn = parseRecord(text.slice(0, -10), "torn");
    expect(torn.results.size).toBe(7);
    expect(torn.validLength).toBe(text.lastIndexOf("\n", text.length - 2) + 1);
    const lines = text.split("\n");
    expect(() => parseRecord([lines[0], "{oops", lines[1], ""].join("\n"), "bad")).toThrow(
      /bad:2: not a JSON line/,
    );
    expect(() => parseRecord('{"format":"other"}\n', "x.json")).toThrow(/not a map partial or checkpoint/);
  });

  it("refuses to merge partials of different scenarios or sweeps", () => {
    const other = planSweep(
      parseScenarioText(PAUSE.replace("rate: 5", "rate: 4"), "pause.yaml"),
      header.x,
      header.y,
      2,
    );
    const a = parseRecord(recordText(header, null, [], new Map()), "a.jsonl");
    const b = parseRecord(recordText(other, null, [], new Map()), "b.jsonl");
    expect(() => mergeRecords([a, b])).toThrow(
      /b.jsonl comes from a different scenario .* than a.jsonl; refusing to merge/,
    );
    const c = parseRecord(recordText({ ...header, replications: 3 }, null, [], new Map()), "c.jsonl");
    expect(() => mergeRecords([a, c])).toThrow(/a different sweep \(replications: 3 vs 2\)/);
  });
});

describe("refinement near the boundary", () => {
  it("picks cells with mixed outcomes or a neighbour on the other side of 1/2", () => {
    const header = planSweep(
      parsed,
      parseAxis("load=0.5:1.5:3", "--x"),
      parseAxis("triggers.0.duration=1:5:3", "--y"),
      2,
    );
    // Rows from y = 1 up: stuck only in the top-right corner, one mixed cell in the middle.
    const p = [0, 0, 0, 0, 0.5, 1, 0, 1, 1];
    expect(boundaryCells(header, p)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(boundaryCells(header, new Array(9).fill(1))).toEqual([]);
  });

  it("adds rounds only once the jobs before them are done, the same way every time", async () => {
    const header = planSweep(
      parsed,
      parseAxis("load=0.4:2:3", "--x"),
      parseAxis("triggers.0.duration=1:8:2", "--y"),
      2,
      2,
    );
    const done = new Map<string, TrialResult>();
    const first = plannedJobs(header, done);
    expect(first).toEqual({ jobs: sweepJobs(header), complete: false });
    const run = async () => {
      for (let p = plannedJobs(header, done); !p.complete; p = plannedJobs(header, done))
        await runSweepJobs(parsed, header, p.jobs, sequentialRunner(parsed), done);
    };
    await run();
    const all = plannedJobs(header, done).jobs;
    const extra = all.slice(sweepJobs(header).length);
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.every((j) => j.replication >= 2 && j.seed === header.baseSeed + j.replication)).toBe(true);
    const map = summariseSweep(header, done);
    expect(map.refine).toBe(2);
    expect(Math.max(...map.cells.map((c) => c.pStuck.n))).toBeGreaterThan(2);

    // Resuming from the grid plus part of round one reaches the same map.
    const partial = new Map(
      [...done].filter(([id]) => all.findIndex((j) => j.id === id) < sweepJobs(header).length + 1),
    );
    const again = new Map(partial);
    for (let p = plannedJobs(header, again); !p.complete; p = plannedJobs(header, again))
      await runSweepJobs(parsed, header, p.jobs, sequentialRunner(parsed), again);
    expect(JSON.stringify(summariseSweep(header, again))).toBe(JSON.stringify(map));
  });
});
