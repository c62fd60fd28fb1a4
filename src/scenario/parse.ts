import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import type { z } from "zod";
import { describeValue, OptionError } from "../engine/option-error.js";
import type { OptionSet } from "../model/options.js";
import { COMPONENT_TYPES } from "./registry.js";
import { ScenarioError, type ScenarioIssue } from "./scenario-error.js";
import { type ScenarioSpec, scenarioSchema } from "./schema.js";

/** Largest scenario file accepted, in characters. */
export const MAX_SCENARIO_CHARS = 4 * 1024 * 1024;

/** A parsed, schema-checked scenario and a way to point back into its text. */
export interface ParsedScenario {
  spec: ScenarioSpec;
  file: string;
  /** Turns a field path into an issue located at that field (or its nearest existing parent). */
  issueAt(path: readonly (string | number)[], message: string): ScenarioIssue;
}

/** Parses YAML or JSON text (JSON is read as YAML, which keeps line numbers for both). */
export function parseScenarioText(text: string, file: string): ParsedScenario {
  if (text.length > MAX_SCENARIO_CHARS) {
    throw new ScenarioError([
      {
        file,
        line: 0,
        column: 0,
        field: "",
        message: `file is larger than ${MAX_SCENARIO_CHARS} characters`,
      },
    ]);
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    // A binary file: the parser would report (and quote) thousands of problems.
    throw new ScenarioError([
      {
        file,
        line: text.slice(0, nul).split("\n").length,
        column: 0,
        field: "",
        message: "not a text file (it holds a NUL byte); expected a YAML or JSON scenario",
      },
    ]);
  }
  const lineCounter = new LineCounter();
  // logLevel "error": no process warnings on stderr (a mapping used as a key becomes an unknown field).
  // Duplicate keys are found by duplicateKeys below: the parser's own check is quadratic in the
  // number of keys of a mapping (20,000 keys took 10 s).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: "error" });
  const locate = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const pos = locate(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          field: "",
          // The parser recurses per level and reports running out of stack as an error.
          message: e.message.includes("call stack")
            ? "not valid YAML: nested too deeply"
            : `not valid YAML: ${firstLine(e.message)}`,
        };
      }),
    );
  }
  const bad = [...duplicateKeys(doc), ...selfReferences(doc)];
  if (bad.length > 0) {
    throw new ScenarioError(
      bad.map(({ message, offset, field }) => {
        const pos = locate(offset);
        return { file, line: pos.line, column: pos.col, field: field ?? "", message };
      }),
    );
  }
  const issueAt = (path: readonly (string | number)[], message: string) =>
    locatedIssue(doc, locate, file, path, message);
  let data: unknown;
  try {
    // The alias cap stops "billion laughs" documents from expanding without bound.
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ScenarioError([issueAt([], `cannot be read: ${firstLine((e as Error).message)}`)]);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ScenarioError([
      issueAt([], "expected a mapping of scenario fields (name, duration, sources, ...)"),
    ]);
  }
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success)
    throw new ScenarioError(withoutRenamed(parsed.error.issues.map((i) => zodIssue(i, issueAt))));
  const spec = parsed.data as ScenarioSpec;
  const stray = strayLayout(spec, issueAt);
  if (stray.length > 0) throw new ScenarioError(stray);
  return { spec, file, issueAt };
}

/** Layout entries that name no component: a leftover of a rename or removal, or a typo. */
function strayLayout(
  spec: ScenarioSpec,
  issueAt: (path: readonly (string | number)[], message: string) => ScenarioIssue,
): ScenarioIssue[] {
  if (!spec.layout) return [];
  const names = COMPONENT_TYPES.flatMap((t) =>
    Object.keys((spec[t.section] ?? {}) as Record<string, unknown>),
  );
  const known = new Set(names);
  return Object.keys(spec.layout)
    .filter((name) => !known.has(name))
    .map((name) =>
      issueAt(["layout", name], `no component named "${name}"; the components are: ${names.join(", ")}`),
    );
}

/** Converts an OptionError thrown while building component `prefix` into a located error. */
export function optionFailure(parsed: ParsedScenario, prefix: (string | number)[], error: unknown): never {
  if (error instanceof OptionError)
    throw new ScenarioError([parsed.issueAt([...prefix, ...error.path], error.message)]);
  throw error;
}

// Fields renamed so that one word means one thing in every component: a file in the old spelling
// is told the new name. Keyed by section, then old name.
const RENAMED_FIELDS: Record<string, Record<string, string>> = {
  caches: { database: "target" },
  pools: { maxWaiting: "queueCapacity" },
  leaseFleets: { jitter: "renewSpread" },
};

// Kinds renamed to the one casing every kind uses (camelCase, as sections and fault kinds are).
const RENAMED_KINDS: Record<string, string> = {
  "round-robin": "roundRobin",
  "least-outstanding": "leastOutstanding",
  "power-of-two": "powerOfTwo",
  "adaptive-lifo": "adaptiveLifo",
  "fail-closed": "failClosed",
  "last-known-good": "lastKnownGood",
};

/** Every policy kind any component type declares, for recognising a policy written as a bare word. */
const POLICY_KINDS = new Set(COMPONENT_TYPES.flatMap((t) => policyKinds(t.options)));

function policyKinds(set: OptionSet): string[] {
  return Object.values(set).flatMap((d) =>
    d.type === "policy"
      ? Object.entries(d.family.variants).flatMap(([kind, v]) => [kind, ...policyKinds(v.options)])
      : d.type === "group"
        ? policyKinds(d.options)
        : [],
  );
}

/** Drops "missing" issues for a field the file has under its old name (that issue says it all). */
function withoutRenamed(issues: ScenarioIssue[]): ScenarioIssue[] {
  const renamedTo = new Set(
    issues.flatMap((i) => {
      const m = /^"[^"]+" is now called "([^"]+)"$/.exec(i.message);
      return m ? [`${i.field.slice(0, i.field.lastIndexOf(".") + 1)}${m[1]}`] : [];
    }),
  );
  return issues.filter((i) => !(renamedTo.has(i.field) && i.message.startsWith("missing required")));
}

/** The new name of a field an older file spells `key`, when `path` is a component entry. */
function renamedField(path: readonly (string | number)[], key: string): string | undefined {
  return path.length === 2 && typeof path[0] === "string" ? RENAMED_FIELDS[path[0]]?.[key] : undefined;
}

/** The kind of the fault at `path` (an entry of triggers or interventions), when `input` is one. */
function faultKindAt(path: readonly (string | number)[], input: unknown): string | undefined {
  if (path.length !== 2 || (path[0] !== "triggers" && path[0] !== "interventions")) return undefined;
  const kind = (input as { kind?: unknown } | undefined)?.kind;
  return typeof kind === "string" ? kind : undefined;
}

/** A zod issue as a located scenario issue, worded for people. */
export function zodIssue(
  issue: z.core.$ZodIssue,
  issueAt: (path: readonly (string | number)[], message: string) => ScenarioIssue,
): ScenarioIssue {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0]!;
      const now = renamedField(path, key);
      if (now) return issueAt([...path, key], `"${key}" is now called "${now}"`);
      const fault = faultKindAt(path, issue.input);
      if (fault)
        return issueAt(
          [...path, key],
          key === "duration" ? `a ${fault} is instant and takes no duration` : `a ${fault} takes no ${key}`,
        );
      return issueAt([...path, key], `unknown field "${key}"`);
    }
    case "invalid_type": {
      const got = issue.input === undefined ? "nothing" : describeValue(issue.input);
      const what =
        issue.expected === "object"
          ? "a mapping"
          : issue.expected === "array"
            ? "a list"
            : `a ${issue.expected}`;
      if (got === "nothing") return issueAt(path, `missing required field (expected ${what})`);
      if (issue.expected === "object" && typeof issue.input === "string") {
        // A policy written as a bare word, as older files did: say how it is written now.
        const kind = RENAMED_KINDS[issue.input] ?? issue.input;
        if (POLICY_KINDS.has(kind)) return issueAt(path, `a policy is written { kind: ${kind} }, got ${got}`);
      }
      return issueAt(path, `expected ${what}, got ${got}`);
    }
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      const given = (issue.input as { kind?: unknown } | undefined)?.kind;
      const now = typeof given === "string" ? RENAMED_KINDS[given] : undefined;
      if (options && now && options.includes(now)) return issueAt(path, `"${given}" is now spelled "${now}"`);
      if (options) return issueAt(path, `expected one of ${options.join(", ")}`);
      return issueAt(path, issue.message);
    }
    case "invalid_value":
      return issueAt(path, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`);
    case "too_small":
      // Names and file names: the only length rule in the format.
      if (issue.origin === "string") return issueAt(path, 'expected a non-empty string, got ""');
      return issueAt(path, issue.message);
    default:
      return issueAt(path, issue.message);
  }
}

/** An issue located at `path` in a YAML document (or its nearest existing parent). */
export function locatedIssue(
  doc: Document,
  locate: (offset: number) => { line: number; col: number },
  file: string,
  path: readonly (string | number)[],
  message: string,
): ScenarioIssue {
  // Walk down as far as the path exists; a missing field is reported at its parent.
  let node: unknown = doc.contents;
  for (const key of path) {
    if (!isNode(node) || !("get" in node)) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
      if (!pair) break;
      node = pair.value ?? pair.key;
      continue;
    }
    const next = (node as { get(k: unknown, keep: true): unknown }).get(key, true);
    if (next === undefined) break;
    node = next;
  }
  const range = isNode(node) ? node.range : undefined;
  const pos = range ? locate(range[0]) : { line: 0, col: 0 };
  return { file, line: pos.line, column: pos.col, field: path.join("."), message };
}

/** A problem found in the YAML tree, at an offset of the text. */
interface TreeProblem {
  message: string;
  offset: number;
  field?: string;
}

/**
 * Scalar keys repeated within one mapping (found in linear time), and `__proto__` keys, which
 * reading the document into objects would silently drop or turn into a prototype.
 */
function duplicateKeys(doc: Document): TreeProblem[] {
  const found: TreeProblem[] = [];
  visit(doc, {
    Map(_, map, path) {
      const where = fieldOf([...path, map]);
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        const offset = key.range?.[0] ?? 0;
        if (key.value === "__proto__")
          found.push({
            message: `"__proto__" cannot be a key or a name (it is reserved in JavaScript)`,
            offset,
            field: where,
          });
        else if (seen.has(key.value))
          found.push({
            message: `not valid YAML: duplicate key "${String(key.value)}" (keys must be unique in a mapping)`,
            offset,
          });
        seen.add(key.value);
      }
    },
  });
  return found;
}

/**
 * Aliases inside the node their anchor names (`p: &p {of: [*p]}`): the document would be
 * infinite, and reading it overflows the stack or builds a circular structure.
 */
function selfReferences(doc: Document): TreeProblem[] {
  const found: TreeProblem[] = [];
  visit(doc, {
    Alias(_, alias, path) {
      const source = alias.resolve(doc);
      if (source && path.includes(source))
        found.push({
          message: `the alias *${alias.source} refers to itself (it is inside the node &${alias.source} names), which would make the document infinite`,
          offset: alias.range?.[0] ?? 0,
          field: fieldOf([...path, alias]),
        });
    },
  });
  return found;
}

/** The dotted field path of the last node of a visitor's path (keys of pairs, indices in lists). */
function fieldOf(path: readonly unknown[]): string {
  const parts: (string | number)[] = [];
  for (const [i, node] of path.entries()) {
    if (isPair(node) && isScalar(node.key)) parts.push(String(node.key.value));
    else if (isSeq(node)) parts.push(node.items.indexOf(path[i + 1] as never));
  }
  return parts.join(".");
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
