import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The dashboard imports src/ directly; a `node:` import anywhere it reaches would break the page.
const ROOT = join(import.meta.dirname, "..", "..");
const WEB = join(ROOT, "web", "src");
const PACKAGES =
  /^(preact|@preact\/signals|echarts|yaml|zod|pure-rand|codemirror|@codemirror\/[\w-]+|uplot|virtual:catalog-verdicts)(\/|$)/;

/** Imports that survive compilation: `import type` and `export type` are erased. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/^(?:import|export) type [^;]*;/gm, "");
  return [
    ...text.matchAll(/(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g),
    ...text.matchAll(/new URL\(\s*["'](\.[^"']+)["']/g),
  ].map((m) => (m[1] ?? m[2])!);
}

function resolveFile(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const c of [base, base.replace(/\.js$/, ".ts"), base.replace(/\.js$/, ".tsx")])
    if (existsSync(c)) return c;
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${spec}`);
}

/** Every bare (package) import reachable from the dashboard's files, as "file -> spec". */
function reachablePackages(): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const stack = readdirSync(WEB)
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".d.ts"))
    .map((f) => join(WEB, f));
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith(".")) {
        if (!spec.endsWith(".css")) stack.push(resolveFile(file, spec));
      } else found.push(`${relative(ROOT, file)} -> ${spec}`);
    }
  }
  expect(seen.size).toBeGreaterThan(40);
  return found;
}

describe("the dashboard's imports", () => {
  it("reach only browser packages, never node: modules", () => {
    const bad = reachablePackages().filter((line) => !PACKAGES.test(line.split(" -> ")[1]!));
    expect(bad).toEqual([]);
  });
});
