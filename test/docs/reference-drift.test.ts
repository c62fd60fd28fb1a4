// docs/reference.md lists exactly the fields the loader accepts, section by section: this test reads
// the reference as a user would (its headings, tables and lists) and the loader's own schema (as
// JSON Schema, the form editors see), and compares them field by field. It does not use the
// reference's generator, so a generator that skipped or invented a field fails here. (The reference
// once listed `sources.until`, which the loader refused.)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/scenario/json-schema.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "..", "docs", "reference.md"), "utf8");

type Node = {
  $ref?: string;
  allOf?: Node[];
  oneOf?: Node[];
  anyOf?: Node[];
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  const?: unknown;
};

/** What the reference says under each heading: table rows (first two cells) and listed kinds. */
interface Part {
  rows: { name: string; type: string }[];
  kinds: string[];
}

/** The reference's parts, keyed by their heading path ("Policies > backoff policy > `fixed`"). */
function readReference(text: string): Map<string, Part> {
  const parts = new Map<string, Part>();
  const heads: string[] = [];
  let key = "";
  for (const line of text.split("\n")) {
    const h = /^(#{2,4}) (.*)$/.exec(line);
    if (h) {
      heads.length = h[1]!.length - 2;
      heads.push(h[2]!);
      key = heads.join(" > ");
      parts.set(key, { rows: [], kinds: [] });
      continue;
    }
    const row = /^\| `([^`]+)` \| (.*?) \|/.exec(line);
    if (row) parts.get(key)?.rows.push({ name: row[1]!, type: row[2]! });
    const kind = /^- `([^`]+)`:/.exec(line);
    if (kind) parts.get(key)?.kinds.push(kind[1]!);
  }
  return parts;
}

const schema = scenarioJsonSchema() as Node & { definitions: Record<string, Node> };

/** A node with `$ref`s and single-entry `allOf`s followed. */
function resolve(node: Node): Node {
  if (node.$ref) return resolve(schema.definitions[node.$ref.split("/").at(-1)!]!);
  if (node.allOf?.length === 1) return resolve(node.allOf[0]!);
  return node;
}

/** The variants of a `{ kind }` union, by kind; null when the node is not one. */
function kindUnion(node: Node): Map<string, Node> | null {
  const n = resolve(node);
  const options = n.oneOf ?? n.anyOf;
  if (!options) return null;
  const out = new Map<string, Node>();
  for (const o of options.map(resolve)) {
    const kind = o.properties?.kind?.const;
    if (typeof kind !== "string") return null;
    out.set(kind, o);
  }
  return out;
}

/** The fields of an object, nested objects' fields after them as `outer.inner` (as the tables list them). */
function fields(node: Node, prefix = ""): string[] {
  return Object.entries(resolve(node).properties ?? {}).flatMap(([name, child]) => {
    const c = resolve(child);
    const nested = c.type === "object" && c.properties && !kindUnion(c) ? fields(c, `${prefix}${name}.`) : [];
    return [`${prefix}${name}`, ...nested];
  });
}

/** The node of a dotted field inside an object node. */
function fieldNode(node: Node, path: string): Node {
  return path.split(".").reduce((n, k) => resolve(resolve(n).properties![k]!), node);
}

const parts = readReference(DOC);
const part = (key: string): Part => {
  const p = parts.get(key);
  if (!p) throw new Error(`docs/reference.md has no section "${key.replace(/ > /g, " / ")}"`);
  return p;
};
const names = (p: Part) => p.rows.map((r) => r.name);
const top = schema.properties!;
const sections = new Set(COMPONENT_TYPES.map((t) => t.section));

/**
 * Checks a table against an object's fields, then every family of `{ kind }` items a row names (a
 * policy, a service's steps) against its own part, once each.
 */
function checkTable(key: string, node: Node, seen: Set<string>, skip: Set<string> = new Set()): void {
  const p = part(key);
  // As sets: the reference lists the file's own fields after the declared settings.
  expect(names(p).sort(), `fields of ${key}`).toEqual(
    fields(node)
      .filter((f) => !skip.has(f))
      .sort(),
  );
  for (const row of p.rows) {
    if (skip.has(row.name)) continue;
    const child = fieldNode(node, row.name);
    const items = resolve(child).type === "array" ? resolve(child).items : undefined;
    const union = kindUnion(child) ?? (items ? kindUnion(items) : null);
    // Distributions, profiles and faults have tables of their own, checked below.
    if (!union || ["distribution", "profile", "list (see below)"].includes(row.type)) continue;
    const family = row.type.replace(/\\\|/g, "|");
    const home = family.endsWith(" policy")
      ? `Policies > ${family}`
      : `Kinds of ${family.replace(/^list of /, "")}`;
    if (seen.has(home)) continue;
    seen.add(home);
    expect(part(home).kinds, `kinds of ${home}`).toEqual([...union.keys()]);
    for (const [kind, variant] of union) {
      const own = fields(variant).filter((f) => f !== "kind");
      const table = `${home} > \`${kind}\``;
      if (own.length === 0) expect(parts.has(table), `${table} has options`).toBe(false);
      else checkTable(table, variant, seen, new Set(["kind"]));
    }
  }
}

describe("docs/reference.md lists exactly the fields the loader accepts", () => {
  const seen = new Set<string>();

  it("scenario settings: every top-level field that is not a component section", () => {
    const settings = Object.keys(top).filter((k) => !sections.has(k));
    expect(settings).toContain("health");
    expect(settings).toContain("name");
    const root: Node = { type: "object", properties: Object.fromEntries(settings.map((k) => [k, top[k]!])) };
    checkTable("Scenario settings", root, seen);
  });

  for (const t of COMPONENT_TYPES) {
    it(`${t.section}: its options, its policies' and its steps' options`, () => {
      const entry = (top[t.section] as Node & { additionalProperties: Node }).additionalProperties;
      checkTable(`\`${t.section}\` (${t.type})`, entry, seen);
    });
  }

  it("services' steps: a call step lists target, every client option and propagateDeadline", () => {
    const call = names(part("Kinds of steps (work, call, parallel) > `call`"));
    const client = names(part("`clients` (client)"));
    expect(call).toEqual(["target", ...client.filter((f) => f !== "target"), "propagateDeadline"]);
  });

  it("distributions and load profiles: every kind with exactly its fields", () => {
    const serviceTime = fieldNode(
      (top.servers as { additionalProperties: Node }).additionalProperties,
      "serviceTime",
    );
    const profile = fieldNode(
      (top.sources as { additionalProperties: Node }).additionalProperties,
      "profile",
    );
    for (const [title, node] of [
      ["Distributions", serviceTime],
      ["Load profiles", profile],
    ] as const) {
      const documented = DOC.slice(DOC.indexOf(`## ${title}`)).split("\n## ")[0]!;
      const rows = [...documented.matchAll(/^\| `(\w+)` \| (.*) \|$/gm)].map((m) => [
        m[1],
        [...m[2]!.matchAll(/`(\w+)`:/g)].map((f) => f[1]),
      ]);
      const expected = [...kindUnion(node)!].map(([kind, v]) => [
        kind,
        fields(v).filter((f) => f !== "kind"),
      ]);
      expect(rows, title).toEqual(expected);
    }
  });

  for (const list of ["triggers", "interventions"] as const) {
    it(`${list}: every kind, whether it lasts, and exactly its parameters`, () => {
      const title = list[0]!.toUpperCase() + list.slice(1);
      const documented = DOC.slice(DOC.indexOf(`## ${title}`)).split("\n## ")[0]!;
      const rows = [...documented.matchAll(/^\| `(\w+)` \| (yes|no) \| (.*?) \|/gm)].map((m) => [
        m[1],
        m[2],
        [...m[3]!.matchAll(/`(\w+)` \(/g)].map((p) => p[1]),
      ]);
      const union = kindUnion((top[list] as Node).items!)!;
      const expected = [...union].map(([kind, v]) => {
        const props = Object.keys(v.properties!);
        return [
          kind,
          props.includes("duration") ? "yes" : "no",
          props.filter((p) => !["kind", "target", "at", "duration"].includes(p)),
        ];
      });
      expect(rows, title).toEqual(expected);
    });
  }
});

describe("the drift check catches drift", () => {
  it("a documented field the loader refuses, and a field the reference leaves out", () => {
    const original = parts.get("`sources` (source)")!;
    const entry = (top.sources as Node & { additionalProperties: Node }).additionalProperties;
    try {
      parts.set("`sources` (source)", {
        ...original,
        rows: [...original.rows, { name: "until", type: "number" }],
      });
      expect(() => checkTable("`sources` (source)", entry, new Set())).toThrow(/fields of `sources`/);
      parts.set("`sources` (source)", { ...original, rows: original.rows.slice(1) });
      expect(() => checkTable("`sources` (source)", entry, new Set())).toThrow(/fields of `sources`/);
    } finally {
      parts.set("`sources` (source)", original);
    }
  });
});
