// docs/reference.md is generated from the code it documents: every component type's options with
// their documented defaults (from the option interfaces in src/model, the same source the
// dashboard's forms use) and every trigger and intervention with its parameters and the capability
// its target needs. This test fails when the doc is stale; `UPDATE_DOCS=1 npx vitest run
// test/docs/reference.test.ts` rewrites it.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeFaultKind, INTERVENTION_KINDS, TRIGGER_KINDS } from "../../src/model/faults/fault.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { modelOptionDocs, type OptionDocs } from "../../web/option-docs.js";
import { interfaceFor } from "../../web/src/option-names.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DOC = join(ROOT, "docs", "reference.md");

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function optionTable(docs: OptionDocs, name: string): string[] {
  const fields = docs[name] ?? {};
  const rows = Object.entries(fields).map(
    ([field, d]) =>
      `| \`${field}\` | \`${cell(d.type)}\` | ${d.required ? "required" : d.default === null ? "none" : cell(d.default)} | ${cell(d.doc)} |`,
  );
  return ["| option | type | default | meaning |", "| --- | --- | --- | --- |", ...rows];
}

/** Component types (by section) whose built instances have `method`, found on the catalog. */
function typesWith(method: string): string[] {
  const dir = join(ROOT, "scenarios");
  const found = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".yaml"))) {
    const model = buildModel(parseScenarioText(readFileSync(join(dir, f), "utf8"), f), 1);
    for (const c of model.components) {
      if (typeof (c as unknown as Record<string, unknown>)[method] === "function") found.add(c.type);
    }
  }
  return [...found].sort();
}

function generate(): string {
  const docs = modelOptionDocs(join(ROOT, "src"));
  const out = [
    "# Scenario reference",
    "",
    "Generated from the code by `test/docs/reference.test.ts` (it fails when this file is stale).",
    "Times are in seconds and rates in requests per second. See [scenario-format.md](scenario-format.md)",
    "for the file's layout and [catalog.md](catalog.md) for worked examples.",
    "",
    "## Scenario settings",
    "",
    ...optionTable(docs, "ScenarioSettings"),
  ];
  for (const t of COMPONENT_TYPES) {
    out.push("", `## \`${t.section}\` (${t.type})`, "", ...optionTable(docs, interfaceFor(t.type)));
  }
  const used = new Set(["ScenarioSettings", ...COMPONENT_TYPES.map((t) => interfaceFor(t.type))]);
  const policies = Object.keys(docs)
    .filter((n) => !used.has(n) && Object.keys(docs[n]!).length > 0)
    .sort();
  out.push("", "## Policy options", "", "Options objects that the component options above refer to.");
  for (const name of policies) out.push("", `### ${name}`, "", ...optionTable(docs, name));
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
      const params = Object.entries(d.params)
        .map(([p, r]) => {
          const lo = `${r.exclusiveMin ? "(" : "["}${r.min}`;
          const hi = r.max === undefined ? "∞)" : `${r.max}]`;
          return `\`${p}\` ${lo}, ${hi}${r.optional ? " optional" : ""}`;
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
