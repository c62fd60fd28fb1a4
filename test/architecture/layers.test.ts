import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Lower layers never import higher ones: engine <- model <- metrics <- scenario <- analysis <- faces.
const LAYERS = [
  "engine",
  "model",
  "metrics",
  "scenario",
  "analysis",
  "fluid",
  "report",
  "cli",
  "web",
] as const;
const RANK: Record<string, number> = {
  engine: 0,
  model: 1,
  metrics: 2,
  scenario: 3,
  analysis: 4,
  // The fluid model reads parsed scenarios, like the analysis layer, and runs in the page too.
  fluid: 4,
  report: 5,
  cli: 5,
  web: 5,
};
const SRC = join(import.meta.dirname, "..", "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => (m[1] ?? m[2])!);
}

function layerOf(file: string): string {
  return relative(SRC, file).split(/[\\/]/)[0]!;
}

/** Every import that points from a lower layer up to a higher one, as "file -> import". */
function violations(root = SRC): string[] {
  const out: string[] = [];
  for (const file of files(root)) {
    const from = layerOf(file);
    if (!(from in RANK)) continue;
    for (const spec of imports(file)) {
      if (!spec.startsWith(".")) continue;
      const to = layerOf(join(file, "..", spec));
      if (to in RANK && RANK[to]! > RANK[from]!) out.push(`${relative(SRC, file)} -> ${spec}`);
      // Faces are siblings: the report must not depend on the CLI, the CLI may use the report.
      if (from === "report" && (to === "cli" || to === "web")) out.push(`${relative(SRC, file)} -> ${spec}`);
    }
  }
  return out;
}

describe("architecture", () => {
  it("knows every folder under src/", () => {
    const dirs = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    for (const d of dirs) expect(LAYERS as readonly string[]).toContain(d);
  });

  it("has no import from a lower layer to a higher one", () => {
    expect(violations()).toEqual([]);
  });

  it("detects a violation when one exists", () => {
    const fake = join(SRC, "engine", "x.ts");
    expect(layerOf(fake)).toBe("engine");
    expect(RANK[layerOf(join(fake, "..", "../model/client.js"))]).toBeGreaterThan(RANK.engine!);
  });

  it("keeps the engine free of node: modules and packages other than pure-rand", () => {
    for (const file of files(join(SRC, "engine"))) {
      for (const spec of imports(file)) {
        if (spec.startsWith(".")) continue;
        expect(spec, `${relative(SRC, file)} imports ${spec}`).toMatch(/^pure-rand\//);
      }
    }
  });

  it("keeps the fluid model free of node: modules and of the analysis layer (the page imports it)", () => {
    for (const file of files(join(SRC, "fluid"))) {
      for (const spec of imports(file)) {
        expect(spec, `${relative(SRC, file)} imports ${spec}`).not.toMatch(/^node:/);
        if (spec.startsWith("."))
          expect(layerOf(join(file, "..", spec)), `${relative(SRC, file)} imports ${spec}`).not.toBe(
            "analysis",
          );
      }
    }
  });

  it("uses Math.random nowhere in src/", () => {
    for (const file of files(SRC)) expect(readFileSync(file, "utf8"), file).not.toMatch(/Math\.random\s*\(/);
  });
});
