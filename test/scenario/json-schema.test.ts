import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { buildModel } from "../../src/scenario/build.js";
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchema } from "../../src/scenario/json-schema.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

// The published JSON Schema is generated from the loader's zod schema. This test fails when the
// file is stale; `UPDATE_SCHEMA=1 npx vitest run test/scenario/json-schema.test.ts` rewrites it
// (then `npx biome format --write schema`).

const ROOT = join(import.meta.dirname, "..", "..");
const FILE = join(ROOT, SCENARIO_SCHEMA_FILE);
const CATALOG = join(ROOT, "scenarios");
const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
if (process.env.UPDATE_SCHEMA) writeFileSync(FILE, text);
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(text));

it("the published schema is the one the loader's schema generates", () => {
  // Compared as data: the file is formatted by biome like every other JSON file here.
  expect(JSON.parse(readFileSync(FILE, "utf8"))).toEqual(JSON.parse(text));
});

it("every catalog file names the schema and is valid under it, as the loader finds it", () => {
  for (const f of readdirSync(CATALOG).filter((x) => x.endsWith(".yaml"))) {
    const source = readFileSync(join(CATALOG, f), "utf8");
    expect(source.split("\n")[0], f).toBe("# yaml-language-server: $schema=../schema/scenario.schema.json");
    expect(validate(parse(source)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(() => parseScenarioText(source, f)).not.toThrow();
  }
});

it("refuses what the loader refuses: unknown fields, wrong types, unknown kinds", () => {
  const base = parse(readFileSync(join(CATALOG, "retry-storm.yaml"), "utf8"));
  // biome-ignore lint/suspicious/noExplicitAny: reaching into parsed YAML to break it
  const variants: [string, (s: Record<string, any>) => void][] = [
    ["unknown top-level field", (s) => (s.duraton = 5)],
    ["a string for a number", (s) => (s.duration = "long")],
    ["unknown option of a component", (s) => (s.clients.client.retries = 3)],
    ["unknown profile kind", (s) => (s.sources.users.profile = { kind: "wave", rate: 1 })],
    ["unknown trigger kind", (s) => (s.triggers = [{ kind: "meteor", target: "server", at: 1 }])],
    ["a bad component name", (s) => (s.servers = { "1st": s.servers.server })],
  ];
  for (const [what, change] of variants) {
    const spec = structuredClone(base);
    change(spec);
    expect(validate(spec), what).toBe(false);
    expect(() => buildModel(parseScenarioText(JSON.stringify(spec), "x.json"), 1), what).toThrow();
  }
  expect(validate({ ...base, $schema: "../schema/scenario.schema.json" })).toBe(true);
});
