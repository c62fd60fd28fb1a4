import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Lower layers never import higher ones: engine <- model <- metrics <- scenario <- analysis <-
// files <- faces. The faces (report, cli, web) are siblings: none imports another, except that the
// command line writes reports and starts the dashboard's server.
const LAYERS = [
  "engine",
  "model",
  "metrics",
  "scenario",
  "analysis",
  "fluid",
  "files",
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
  // Scenario files and the catalog on disk, for the faces that run under Node.
  files: 5,
  report: 6,
  cli: 6,
  web: 6,
};
/** Which face may import which other face. */
const FACE_USES: Record<string, readonly string[]> = { report: [], web: [], cli: ["report", "web"] };
const SRC = join(import.meta.dirname, "..", "..", "src");
const FIXTURE = join(import.meta.dirname, "fixture", "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.c?ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(
      /(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function layerOf(file: string, root = SRC): string {
  return relative(root, file).split(/[\\/]/)[0]!;
}

/** Every import that points from a lower layer up to a higher one, or across faces, as "file -> import". */
function violations(root = SRC): string[] {
  const out: string[] = [];
  for (const file of files(root)) {
    const from = layerOf(file, root);
    if (!(from in RANK)) continue;
    for (const spec of imports(file)) {
      if (!spec.startsWith(".")) continue;
      const to = layerOf(join(file, "..", spec), root);
      if (!(to in RANK) || to === from) continue;
      const across = from in FACE_USES && to in FACE_USES && !FACE_USES[from]!.includes(to);
      if (RANK[to]! > RANK[from]! || across) out.push(`${relative(root, file)} -> ${spec}`);
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

  it("catches every kind of violation in a fixture tree, .cts files and require() included", () => {
    expect(violations(FIXTURE).sort()).toEqual(
      [
        "engine/clock.ts -> ../model/thing.js",
        "model/thing.ts -> ../scenario/entry.js",
        "report/chart.ts -> ../cli/flags.js",
        "web/server.ts -> ../cli/flags.js",
        "engine/worker-entry.cts -> ../cli/flags.js",
        "scenario/entry.ts -> ../files/reader.js",
      ].sort(),
    );
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
