import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProfile } from "../../src/model/load/profile.js";
import { parseTraceCsv, TraceCsvError } from "../../src/model/load/trace-csv.js";
import { cli, scratchWith } from "../cli/cli-harness.js";

function issues(text: string) {
  try {
    parseTraceCsv(text);
  } catch (e) {
    if (e instanceof TraceCsvError) return e.issues;
    throw e;
  }
  throw new Error("expected a TraceCsvError");
}

describe("trace CSV", () => {
  it("reads a header, Unix timestamps and quoted cells, shifting the first row to 0 s", () => {
    const text =
      '"time","rate(requests_total[1m])"\n1733130000,10\n1733130060,"20.5"\n\n# gap\n1733130120,5\n';
    expect(parseTraceCsv(text)).toEqual([
      { at: 0, rate: 10 },
      { at: 60, rate: 20.5 },
      { at: 120, rate: 5 },
    ]);
  });

  it("reads ISO 8601 times and semicolon-separated cells", () => {
    expect(parseTraceCsv("2026-12-02T10:00:00Z;4\n2026-12-02 10:00:30Z;8\n")).toEqual([
      { at: 0, rate: 4 },
      { at: 30, rate: 8 },
    ]);
  });

  it("locates every bad row by line, column and field", () => {
    const found = issues("t,rate\n0,1\n10,abc\n0,2\n20,-1\n30,1,2\n40\n");
    expect(found).toEqual([
      { line: 3, column: 4, field: "rate", message: 'expected a rate in requests/s >= 0, got "abc"' },
      {
        line: 4,
        column: 1,
        field: "time",
        message: "expected times in increasing order: 0 is not after line 2",
      },
      { line: 5, column: 4, field: "rate", message: 'expected a rate in requests/s >= 0, got "-1"' },
      { line: 6, column: 1, field: "", message: "expected 2 columns (time, rate), got 3" },
      { line: 7, column: 1, field: "", message: "expected 2 columns (time, rate), got 1" },
    ]);
    expect(issues("time,rate\n")[0]!.message).toBe("no (time, rate) rows found");
    expect(issues("0,1\nyesterday,2\n")[0]).toMatchObject({ line: 2, field: "time" });
  });

  it("interpolates between points, holds the last rate and scales", () => {
    const p = createProfile({
      kind: "trace",
      points: [
        { at: 0, rate: 10 },
        { at: 10, rate: 30 },
      ],
      scale: 0.5,
    });
    expect(p.rate(0)).toBe(5);
    expect(p.rate(5)).toBe(10);
    expect(p.rate(100)).toBe(15);
    expect(p.integral(0, 10)).toBeCloseTo(100, 9);
    expect(() => createProfile({ kind: "trace", file: "x.csv" })).toThrow(
      /only the command line reads trace files/,
    );
    expect(() =>
      createProfile({
        kind: "trace",
        points: [
          { at: 5, rate: 1 },
          { at: 5, rate: 2 },
        ],
      }),
    ).toThrow(/increasing time order/);
  });
});

const SCENARIO = `name: traced
seed: 3
duration: 40
sources:
  users: { target: client, arrivals: poisson, profile: { kind: trace, file: traffic.csv } }
clients:
  client: { target: server, timeout: 1 }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.05 } }
`;

describe("trace profile from the command line", () => {
  it("runs the recorded rate, read relative to the scenario file", async () => {
    const dir = scratchWith({ "s.yaml": SCENARIO, "traffic.csv": "time,rate\n0,2\n20,10\n40,10\n" });
    const r = await cli("run", join(dir, "s.yaml"), "--json");
    expect(r.code).toBe(0);
    // Expected arrivals: 20 s ramping 2 -> 10 (120) plus 20 s at 10 (200).
    const requests = JSON.parse(r.stdout).totals.requests;
    expect(requests).toBeGreaterThan(270);
    expect(requests).toBeLessThan(370);
  });

  it("a bad CSV is bad input located in the CSV file; a missing one is located in the scenario", async () => {
    const dir = scratchWith({ "s.yaml": SCENARIO, "traffic.csv": "time,rate\n0,2\n20,lots\n" });
    const r = await cli("run", join(dir, "s.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, "traffic.csv")}:3:4: rate: expected a rate in requests/s >= 0, got "lots"`,
    );
    const missing = scratchWith({ "s.yaml": SCENARIO });
    const m = await cli("run", join(missing, "s.yaml"));
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(
      /s\.yaml:5:\d+: sources\.users\.profile\.file: cannot read trace file .*traffic\.csv: no such file/,
    );
  });
});
