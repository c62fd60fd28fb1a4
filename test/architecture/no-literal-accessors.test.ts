import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAst } from "rolldown/parseAst";
import { describe, expect, it } from "vitest";

// V8 keeps an object literal's getters and setters in accessor pairs it allocates in the old
// space. Their closures then hold whatever they capture (a run's model, record and pending events)
// through every young-generation collection until the next full one: a sweep's finished trials
// were promoted wholesale, and collecting them kept a second core busy (BENCHMARKS.md, issue 15).
// So the layers a run goes through put accessors on classes (one pair per class, on the
// prototype), never on object literals.
const RUN_LAYERS = ["engine", "model", "metrics", "scenario", "analysis"];
const SRC = join(import.meta.dirname, "..", "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** `get name` / `set name` of object literals in TypeScript source, as "line: get name". */
function literalAccessors(source: string): string[] {
  const ast = parseAst(source, { lang: "ts" });
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as { type?: string; kind?: string; key?: { name?: string }; start?: number };
    if (n.type === "Property" && (n.kind === "get" || n.kind === "set")) {
      const line = source.slice(0, n.start ?? 0).split("\n").length;
      found.push(`${line}: ${n.kind} ${n.key?.name ?? "[computed]"}`);
    }
    for (const value of Object.values(n)) if (value !== null && typeof value === "object") visit(value);
  };
  visit(ast.body);
  return found;
}

describe("no object literal with getters or setters where a run goes", () => {
  it("finds a literal's accessors and leaves a class's alone", () => {
    const source = [
      "class Run { get now(): number { return 1; } }",
      "export function start(sim: { now: number }) {",
      "  return { end: 2, get now() { return sim.now; }, set now(v: number) {}, advance() {} };",
      "}",
    ].join("\n");
    expect(literalAccessors(source)).toEqual(["3: get now", "3: set now"]);
  });

  it("holds in every file of the engine, model, metrics, scenario and analysis layers", () => {
    const offenders = RUN_LAYERS.flatMap((layer) =>
      files(join(SRC, layer)).flatMap((file) =>
        literalAccessors(readFileSync(file, "utf8")).map((a) => `${relative(SRC, file)}:${a}`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
