import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sequentialRunner } from "../../src/analysis/batch.js";
import { findThresholds } from "../../src/analysis/threshold.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";

// Seed 001's hidden capacity, measured: the highest load from which cache-flush comes back after
// its cache is emptied (the threshold search's tipping load), beside the capacity the cache
// advertises and the database's own. docs/hidden-capacity.md gives the full search's figures.
describe("hidden capacity of cache-flush, measured (catalog)", () => {
  it("the load it survives a flush at lies far under the advertised capacity and the normal load", async () => {
    const path = join(import.meta.dirname, "..", "..", "scenarios", "cache-flush.yaml");
    const parsed = parseScenarioText(readFileSync(path, "utf8"), path);
    const out = runScenario(parsed, { seed: 1 });
    const described = out.result.components.find((c) => c.name === "cache")!.settings;
    const advertised = Number.parseFloat(described.advertisedCapacity!);
    const database = Number.parseFloat(described.hiddenCapacity!);
    expect(advertised).toBeGreaterThan(3600);
    expect(database).toBeCloseTo(332, 0);

    const r = await findThresholds(parsed, sequentialRunner(parsed), {
      replications: 1,
      low: 0.05,
      high: 1,
      tolerance: 0.05,
      recoverWithin: 30,
    });
    const measured = r.tip.rate!;
    // The full search (3 replications, tolerance 0.02) puts it at about 910 req/s (887-933). Above
    // the database alone (at lower load the hottest keys refill before the database drowns), but
    // under a third of the advertised 3690 and of the 3000 req/s the system normally carries.
    expect(measured).toBeGreaterThan(1.5 * database);
    expect(measured).toBeLessThan(1300);
    expect(measured).toBeLessThan(advertised / 2.5);
  }, 300_000);
});
