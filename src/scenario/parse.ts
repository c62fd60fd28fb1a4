import type { z } from "zod";
import { describeValue, OptionError } from "../engine/option-error.js";
import type { OptionSet } from "../model/options.js";
import { COMPONENT_TYPES } from "./registry.js";
import { ScenarioError, type ScenarioIssue } from "./scenario-error.js";
import { type ScenarioSpec, scenarioSchema } from "./schema.js";
import { type IssueAt, readYamlText } from "./yaml-text.js";

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
  const { data, issueAt } = readYamlText(text, file, { maxChars: MAX_SCENARIO_CHARS, what: "scenario" });
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ScenarioError([
      issueAt([], "expected a mapping of scenario fields (name, duration, sources, ...)"),
    ]);
  }
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new ScenarioError(withoutRenamed(schemaIssues(parsed.error, issueAt)));
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

/** A file's schema errors as located issues, worded for people: one per unknown field. */
export function schemaIssues(error: z.ZodError, issueAt: IssueAt): ScenarioIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => unknownField(issue.path, key, issue.input, issueAt))
      : [zodIssue(issue, issueAt)],
  );
}

function unknownField(at: PropertyKey[], key: string, input: unknown, issueAt: IssueAt): ScenarioIssue {
  const path = at.filter((p): p is string | number => typeof p !== "symbol");
  const now = renamedField(path, key);
  if (now) return issueAt([...path, key], `"${key}" is now called "${now}"`);
  const fault = faultKindAt(path, input);
  if (fault)
    return issueAt(
      [...path, key],
      key === "duration" ? `a ${fault} is instant and takes no duration` : `a ${fault} takes no ${key}`,
    );
  return issueAt([...path, key], `unknown field "${key}"`);
}

/** One zod issue (other than unknown fields) as a located issue. */
function zodIssue(issue: z.core.$ZodIssue, issueAt: IssueAt): ScenarioIssue {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  switch (issue.code) {
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
