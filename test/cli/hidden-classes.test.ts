import { describe, expect, it } from "vitest";
import { runCli } from "../child-process.js";

// Each object a trial builds must reuse the hidden classes of the trials before it. An object
// built by spreading another and then written to (or with a spread field named again) got a hidden
// class of its own from V8 on every build, which V8 then generalised at the first write and which
// deoptimised the code that had seen the last one: a 4,000-trial map re-derived the server's
// counters' class about 14,000 times and ran 11% slower for it. V8 reports each generalisation
// under --trace-generalization; a site whose count grows with the number of trials is this fault.

/** Generalisations per site (field, change and code position) in a map of `rows` x 2 cells x 10 replications. */
async function generalisations(rows: number): Promise<Map<string, number>> {
  const r = await runCli(
    [
      "map",
      "scenarios/retry-storm.yaml",
      "--x",
      "load=0.5:1:2",
      "--y",
      `sources.users.profile.steps.2.at=21:${20 + rows}:${rows}`,
      "--replications",
      "10",
      "--workers",
      "1",
      "--json",
      "--quiet",
    ],
    { timeout: 120_000, nodeOptions: ["--trace-generalization"] },
  );
  expect(r.status, r.stderr).toBe(0);
  const counts = new Map<string, number>();
  for (const line of r.stdout.split("\n")) {
    if (!line.startsWith("[generalizing]") || !line.includes("/dist/")) continue;
    const site = line
      .replace(/0x[0-9a-f]+/g, "")
      .replace(/ \((uninitialized field|field type generalization)\)/, "");
    counts.set(site, (counts.get(site) ?? 0) + 1);
  }
  return counts;
}

describe("hidden classes across trials", () => {
  it("no site of the project's code generalises a hidden class again for each new trial", async () => {
    const few = await generalisations(2); // 40 trials
    const many = await generalisations(8); // 160 trials
    // The trace is there to read: the project's own code generalises some classes while it warms up.
    expect(many.size).toBeGreaterThan(10);
    const growing = [...many]
      .map(([site, n]) => ({ site, more: n - (few.get(site) ?? 0) }))
      .filter((g) => g.more >= 30);
    // Before the fix: the server's `arrived` about 3 more per trial, buildModel's `components` and
    // the verdict's `stuckSince` about 1 more per trial (hundreds more over the 120 extra trials).
    expect(growing).toEqual([]);
  });
});
