import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readCatalog } from "../../src/files/catalog.js";
import { groupBySystem, systemOf } from "../../src/files/catalog-systems.js";

describe("catalog systems", () => {
  it("a variant belongs to the shortest scenario name it extends with a dash", () => {
    const names = [
      "cache-flush",
      "cache-flush-warmup",
      "cache-flush-warmup-fast-ramp",
      "retry-storm",
      "retry-storms",
    ];
    expect(systemOf("cache-flush-warmup-fast-ramp", names)).toBe("cache-flush");
    expect(systemOf("cache-flush", names)).toBe("cache-flush");
    // Not a dash-separated extension: a system of its own.
    expect(systemOf("retry-storms", names)).toBe("retry-storms");
    // A variant whose base is missing is its own system.
    expect(systemOf("gc-pause-retry-budget", names)).toBe("gc-pause-retry-budget");
  });

  it("groups put the base scenario first, then its variants by name, systems by name", () => {
    const entries = [
      "retry-storm-seed",
      "cache-flush-shedding",
      "retry-storm",
      "cache-flush",
      "retry-storm-backoff",
    ].map((name) => ({ name }));
    expect(groupBySystem(entries).map((g) => [g.system, g.entries.map((e) => e.name)])).toEqual([
      ["cache-flush", ["cache-flush", "cache-flush-shedding"]],
      ["retry-storm", ["retry-storm", "retry-storm-backoff", "retry-storm-seed"]],
    ]);
  });

  it("every catalog scenario's system is a catalog scenario with at most a handful of groups of one", () => {
    const entries = readCatalog("scenarios");
    expect(entries).toHaveLength(readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).length);
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) expect(names.has(e.system)).toBe(true);
    // Every variant pair is found: the retry storm has its fixes beside it.
    const retry = groupBySystem(entries).find((g) => g.system === "retry-storm")!;
    expect(retry.entries[0]!.name).toBe("retry-storm");
    expect(retry.entries.length).toBeGreaterThan(5);
  });

  it("every catalog description says which loop sustains it, what triggers it and what fixes it", () => {
    const missing = readCatalog("scenarios")
      .filter((e) => !["Loop:", "Trigger:", "Fix:"].every((label) => e.description.includes(label)))
      .map((e) => e.file);
    expect(missing).toEqual([]);
  });
});
