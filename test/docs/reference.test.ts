// docs/reference.md is generated from the code it documents: every component type's options from
// their declarations (src/model/options.ts: the same declaration the loader, the components' defaults
// and checks and the dashboard's forms use) and every trigger and intervention with its parameters
// and the capability its target needs. This test fails when the doc is stale; `UPDATE_DOCS=1 npx vitest run
// test/docs/reference.test.ts` rewrites it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { DISTRIBUTION_SHAPES } from "../../src/engine/distributions.js";
import type { KindShapes } from "../../src/engine/spec-shape.js";
import { describeFaultKind, INTERVENTION_KINDS, TRIGGER_KINDS } from "../../src/model/faults/fault.js";
import { PROFILE_SHAPES } from "../../src/model/load/profile.js";
import { buildModel } from "../../src/scenario/build.js";
import { scenarioJsonSchema } from "../../src/scenario/json-schema.js";
import { type OptionDoc, optionDocs } from "../../src/scenario/option-docs.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { SETTINGS_OPTIONS } from "../../src/scenario/settings-options.js";
import { fixtureFor } from "../scenario/fixtures.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DOC = join(ROOT, "docs", "reference.md");

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

type Docs = Record<string, OptionDoc>;

/** Rows of an option table; a group's options follow it as `group.option`. */
function optionRows(docs: Docs, prefix: string, families: Map<string, OptionDoc>): string[] {
  return Object.entries(docs).flatMap(([field, d]) => {
    const type = d.range ? `${d.type} (${d.range})` : d.type;
    if (d.kinds) families.set(d.type, d);
    const dflt = d.required ? "required" : d.default === null ? "none" : cell(d.default);
    const row = `| \`${prefix}${field}\` | ${cell(type)} | ${dflt} | ${cell(d.doc)} |`;
    return [row, ...(d.options ? optionRows(d.options, `${prefix}${field}.`, families) : [])];
  });
}

function optionTable(docs: Docs, families: Map<string, OptionDoc>): string[] {
  return [
    "| option | type | default | meaning |",
    "| --- | --- | --- | --- |",
    ...optionRows(docs, "", families),
  ];
}

/** Component types whose built components have `method`, found on fixtures made from the registry. */
function typesWith(method: string): string[] {
  return COMPONENT_TYPES.filter((t) => {
    const { parsed, name } = fixtureFor(t);
    const c = buildModel(parsed, 1).components.find((x) => x.name === name)!;
    return typeof (c as unknown as Record<string, unknown>)[method] === "function";
  })
    .map((t) => t.type)
    .sort();
}

/** The kinds of a family as a list, then each kind's own options. */
function familyDocs(
  out: string[],
  _name: string,
  d: OptionDoc,
  families: Map<string, OptionDoc>,
  level: string,
) {
  if (level === "###") out.push("");
  for (const [kind, v] of Object.entries(d.kinds!)) out.push(`- \`${kind}\`: ${v.doc}`);
  for (const [kind, v] of Object.entries(d.kinds!)) {
    if (Object.keys(v.options).length === 0) continue;
    out.push("", `${level} \`${kind}\``, "", ...optionTable(v.options, families));
  }
}

/** The file's own top-level fields (name, faults, layout): read from the JSON Schema the loader's schema gives. */
function fileFieldRows(): string[] {
  const schema = scenarioJsonSchema() as { properties: Record<string, Json>; required: string[] };
  const declared = new Set([...Object.keys(SETTINGS_OPTIONS), ...COMPONENT_TYPES.map((t) => t.section)]);
  return Object.entries(schema.properties)
    .filter(([k]) => !declared.has(k))
    .map(([k, v]) => {
      const dflt = schema.required.includes(k) ? "required" : "none";
      const type = k === "triggers" || k === "interventions" ? "list (see below)" : String(v.type);
      return `| \`${k}\` | ${type} | ${dflt} | ${cell(String(v.description))} |`;
    });
}

const shapeField = (f: unknown) =>
  typeof f === "string"
    ? f.replace("?", " (optional)").replace("self[]", "list of profiles").replace("self", "profile")
    : `list of { ${Object.keys((f as { list: object }).list).join(", ")} }${(f as { optional?: true }).optional ? " (optional)" : ""}`;

/** A table of a spec family's kinds and their fields. */
function shapeTable(title: string, intro: string, shapes: KindShapes): string[] {
  return [
    "",
    `## ${title}`,
    "",
    intro,
    "",
    "| kind | fields |",
    "| --- | --- |",
    ...Object.entries(shapes).map(
      ([kind, fields]) =>
        `| \`${kind}\` | ${Object.entries(fields)
          .map(([k, f]) => `\`${k}\`: ${shapeField(f)}`)
          .join("; ")} |`,
    ),
  ];
}

type Json = Record<string, unknown>;

function generate(): string {
  const families = new Map<string, OptionDoc>();
  const out = [
    "# Scenario reference",
    "",
    "Generated from the code by `test/docs/reference.test.ts` (it fails when this file is stale).",
    "Times are in seconds and rates in requests per second. See [scenario-format.md](scenario-format.md)",
    "for the file's layout and [catalog.md](catalog.md) for worked examples.",
    "",
    "## Scenario settings",
    "",
    ...optionTable(optionDocs(SETTINGS_OPTIONS), families),
    ...fileFieldRows(),
  ];
  for (const t of COMPONENT_TYPES) {
    out.push("", `## \`${t.section}\` (${t.type})`, "", ...optionTable(optionDocs(t.options), families));
  }
  // Families of `{ kind }` items that are not policies (a service's steps), then the policies.
  const sorted = [...families].sort(([a], [b]) => a.localeCompare(b));
  for (const [name, d] of sorted.filter(([n]) => !n.endsWith(" policy"))) {
    out.push(
      "",
      `## Kinds of ${name.replace(/^list of /, "")}`,
      "",
      "Each item is written `{ kind: ..., ...options }`; each kind has its own options.",
    );
    familyDocs(out, name, d, families, "###");
  }
  out.push(
    "",
    "## Policies",
    "",
    "Policies are written `{ kind: ..., ...options }`; each kind has its own options.",
  );
  for (const [name, d] of sorted.filter(([n]) => n.endsWith(" policy"))) {
    out.push("", `### ${name}`, "");
    familyDocs(out, name, d, families, "####");
  }
  out.push(
    ...shapeTable(
      "Distributions",
      "A `distribution` is written `{ kind: ..., ...fields }`, all numbers (see [scenario-format.md](scenario-format.md)).",
      DISTRIBUTION_SHAPES,
    ),
    ...shapeTable(
      "Load profiles",
      "A `profile` is written `{ kind: ..., ...fields }`; rates are requests per second, times seconds; `profile` fields hold profiles.",
      PROFILE_SHAPES,
    ),
  );
  for (const [title, kinds] of [
    ["Triggers", TRIGGER_KINDS],
    ["Interventions", INTERVENTION_KINDS],
  ] as const) {
    out.push(
      "",
      `## ${title}`,
      "",
      `Each entry of \`${title.toLowerCase()}\` has \`kind\`, \`target\` (a component name) and \`at\`; lasting kinds also need \`duration\`.`,
      "",
      "| kind | lasting | parameters | targets | what it does |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const kind of kinds) {
      const d = describeFaultKind(kind)!;
      const params = Object.entries(optionDocs(d.params))
        .map(([p, o]) => {
          const dflt = o.required ? "" : `, default ${o.default}`;
          return `\`${p}\` (${o.range}${dflt}): ${o.doc}`;
        })
        .join("; ");
      out.push(
        `| \`${kind}\` | ${d.lasting ? "yes" : "no"} | ${params || "none"} | ${typesWith(d.needs).join(", ")} | ${cell(d.doc)} |`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

it("docs/reference.md documents every option, trigger and intervention as the code has them", () => {
  const text = generate();
  if (process.env.UPDATE_DOCS) writeFileSync(DOC, text);
  expect(readFileSync(DOC, "utf8")).toBe(text);
});
