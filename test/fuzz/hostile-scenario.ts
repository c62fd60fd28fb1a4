import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";

/**
 * Generators of hostile scenario files for the fuzz tests: catalog scenarios with fields replaced
 * by wrong types, extreme numbers, NaN and Infinity, deleted or unknown fields, references rewired
 * into cycles, and text-level damage (cuts, stray characters); plus the loader's verdict on each.
 */

export const SCENARIOS = join(import.meta.dirname, "..", "..", "scenarios");

/** The catalog, as text and as data, in file order. */
export const CATALOG = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((file) => {
    const text = readFileSync(join(SCENARIOS, file), "utf8");
    return { file, text, data: parse(text) as Record<string, unknown> };
  });

/** Values no field expects, or expects only within a range. */
export const HOSTILE_VALUES: readonly unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  5e-324,
  -5e-324,
  1e-12,
  1e9,
  1e15,
  2 ** 53 + 2,
  -1,
  -0.5,
  0,
  0.5,
  1,
  2,
  "",
  "1",
  "fast",
  "servers",
  true,
  false,
  null,
  [],
  {},
  [1, 2, 3],
  { kind: "nope" },
  { kind: "constant", value: -1 },
  { kind: "exponential", mean: 0 },
];

/** Numbers that keep a numeric field's type but sit at the edges of what a double holds. */
const EXTREME_NUMBERS = [1e308, 5e-324, 1e-300, 0, 1e9, 1e15, 1e-9, 0.999999, 1.0000001];

/** Factors a numeric field is multiplied by. */
const SCALES = [0, -1, 1e-9, 1e-3, 0.5, 2, 10, 1e3, 1e9];

type Path = (string | number)[];

/** Every path in a JSON-like value, interior nodes included (root excluded). */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const key = Array.isArray(value) ? Number(k) : k;
      out.push([...prefix, key]);
      pathsOf(v, [...prefix, key], out);
    }
  }
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root);
}

/** Component names declared in a scenario's sections. */
function componentNames(data: Record<string, unknown>): string[] {
  return Object.values(data).flatMap((v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.entries(v).flatMap(([name, spec]) =>
          spec !== null && typeof spec === "object" && !Array.isArray(spec) ? [name] : [],
        )
      : [],
  );
}

/** One change to a scenario's data. `at` picks the path, `pick` the value or name. */
export type Mutation =
  | { op: "replace"; at: number; pick: number }
  | { op: "scale"; at: number; pick: number }
  | { op: "number"; at: number; pick: number }
  | { op: "delete"; at: number }
  | { op: "unknown"; at: number }
  | { op: "rewire"; at: number; pick: number }
  | { op: "nest"; at: number; depth: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("replace" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("scale" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("unknown" as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("rewire" as const), at: fc.nat(), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("nest" as const),
      at: fc.nat(),
      depth: fc.integer({ min: 1, max: 60 }),
    }),
  },
);

/** Applies mutations to a deep copy of `data`. */
export function mutate(
  data: Record<string, unknown>,
  mutations: readonly Mutation[],
): Record<string, unknown> {
  const copy = structuredClone(data);
  for (const m of mutations) {
    const all = pathsOf(copy);
    const paths = m.op === "number" ? all.filter((p) => typeof valueAt(copy, p) === "number") : all;
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length]!;
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], copy) as
      | Record<string | number, unknown>
      | unknown[];
    const key = path[path.length - 1]!;
    const set = (v: unknown) => {
      (parent as Record<string | number, unknown>)[key] = v;
    };
    switch (m.op) {
      case "replace":
        set(structuredClone(HOSTILE_VALUES[m.pick % HOSTILE_VALUES.length]));
        break;
      case "number":
        set(EXTREME_NUMBERS[m.pick % EXTREME_NUMBERS.length]);
        break;
      case "scale": {
        // Keeps the type, moves the value: exercises ranges rather than the schema.
        const v = (parent as Record<string | number, unknown>)[key];
        if (typeof v === "number") set(v * SCALES[m.pick % SCALES.length]!);
        break;
      }
      case "delete":
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case "unknown":
        if (!Array.isArray(parent)) parent[`${String(key)}Typo`] = 1;
        break;
      case "rewire": {
        // Point a reference at another component (or itself): wiring cycles, wrong types.
        const names = componentNames(copy);
        if (names.length > 0) set(names[m.pick % names.length]);
        break;
      }
      case "nest": {
        let v: unknown = (parent as Record<string | number, unknown>)[key];
        for (let i = 0; i < m.depth; i++) v = i % 2 === 0 ? [v] : { of: v };
        set(v);
        break;
      }
    }
  }
  return copy;
}

/** Text-level damage applied after serialising: a cut, a stray character, a duplicated line. */
export type TextDamage =
  | { kind: "none" }
  | { kind: "cut"; at: number }
  | { kind: "insert"; at: number; char: string };

export const textDamageArb: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      char: fc.constantFrom(
        ":",
        "-",
        "[",
        "{",
        "}",
        "&a",
        "*a",
        "!!binary",
        "\t",
        "'",
        '"',
        "\n  ",
        "\0",
        "#",
        "? ",
      ),
    }),
  },
);

export function damage(text: string, d: TextDamage): string {
  if (d.kind === "none" || text.length === 0) return text;
  const at = d.at % text.length;
  return d.kind === "cut" ? text.slice(0, at) : text.slice(0, at) + d.char + text.slice(at);
}

/** A hostile scenario: which catalog file it came from, its mutations, and the text. */
export interface HostileCase {
  from: string;
  mutations: Mutation[];
  text: string;
}

/** Mutated (and sometimes damaged) catalog scenarios: mostly refused, some still valid. */
export const hostileCaseArb: fc.Arbitrary<HostileCase> = caseArb(mutationArb, 4, textDamageArb);

/** Catalog scenarios with one or two numbers set to extremes of a double (1e308, 5e-324, ...). */
export const extremeCaseArb: fc.Arbitrary<HostileCase> = caseArb(
  fc.record({ op: fc.constant("number" as const), at: fc.nat(), pick: fc.nat() }),
  2,
  fc.constant({ kind: "none" as const }),
);

/** Catalog scenarios with one or two numbers rescaled: mostly still valid, so they get run. */
export const rescaledCaseArb: fc.Arbitrary<HostileCase> = caseArb(
  fc.record({ op: fc.constant("scale" as const), at: fc.nat(), pick: fc.nat() }),
  2,
  fc.constant({ kind: "none" as const }),
);

function caseArb(
  mutation: fc.Arbitrary<Mutation>,
  maxMutations: number,
  damageArb: fc.Arbitrary<TextDamage>,
): fc.Arbitrary<HostileCase> {
  return fc
    .record({
      index: fc.nat({ max: CATALOG.length - 1 }),
      mutations: fc.array(mutation, { minLength: 1, maxLength: maxMutations }),
      json: fc.boolean(),
      damage: damageArb,
    })
    .map(({ index, mutations, json, damage: d }) => {
      const entry = CATALOG[index]!;
      const data = mutate(entry.data, mutations);
      // JSON.stringify writes NaN and Infinity as null; YAML keeps them as .nan and .inf.
      const text = json ? JSON.stringify(data, null, 1) : stringify(data);
      return { from: entry.file, mutations, text: damage(text, d) };
    });
}

/** How the loader took a file: loaded, or refused with located issues. */
export type Verdict =
  | { ok: true; parsed: ReturnType<typeof parseScenarioText> }
  | { ok: false; error: ScenarioError };

/**
 * Parses and builds; a ScenarioError is a verdict, anything else propagates (a crash). Checks the
 * error is one a user can act on: every issue names the file, has a message, and is located
 * (line >= 1) unless it is about the file as a whole.
 */
export function load(text: string, file: string): Verdict {
  try {
    const parsed = parseScenarioText(text, file);
    buildModel(parsed);
    return { ok: true, parsed };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    for (const issue of e.issues) {
      if (issue.file !== file || issue.message.trim() === "" || /\n\s+at /.test(issue.message)) {
        throw new Error(`unhelpful issue ${JSON.stringify(issue)}`);
      }
      if (issue.field !== "" && issue.line < 1)
        throw new Error(`issue on a field without a line: ${JSON.stringify(issue)}`);
    }
    return { ok: false, error: e };
  }
}

/** The message a failing case carries, so it can be replayed from the file alone. */
export function replayNote(c: HostileCase): string {
  const shown = c.text.length > 4000 ? `${c.text.slice(0, 4000)}\n... (${c.text.length} chars)` : c.text;
  return `from ${c.from} with ${JSON.stringify(c.mutations)}; scenario text:\n${shown}`;
}
