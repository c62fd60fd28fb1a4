import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { loadChecksFile } from "../../src/cli/checks-file.js";
import { CHECKS_SCHEMA_FILE, checksJsonSchema } from "../../src/cli/checks-schema.js";

// The published JSON Schema of checks files is generated from the loader's zod schema. This test
// fails when the file is stale; `UPDATE_SCHEMA=1 npx vitest run test/cli/checks-schema.test.ts`
// rewrites it (then `npx biome format --write schema`).

const ROOT = join(import.meta.dirname, "..", "..");
const FILE = join(ROOT, CHECKS_SCHEMA_FILE);
const text = `${JSON.stringify(checksJsonSchema(), null, 2)}\n`;
if (process.env.UPDATE_SCHEMA) writeFileSync(FILE, text);
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(text));
const DOC = readFileSync(join(ROOT, "docs", "ci.md"), "utf8");
const checksBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((b) => /^checks:|^# metastable-checks\.yaml/m.test(b) && !b.includes("runs-on:"));

it("the published schema is the one the loader's schema generates", () => {
  expect(JSON.parse(readFileSync(FILE, "utf8"))).toEqual(JSON.parse(text));
});

it("every checks file in docs/ci.md is valid under it", () => {
  expect(checksBlocks.length).toBeGreaterThan(1);
  for (const b of checksBlocks) expect(validate(parse(b)), JSON.stringify(validate.errors)).toBe(true);
});

it("refuses what the loader refuses: unknown fields, no or two expectations, a headroom below 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "metastable-checks-schema-"));
  symlinkSync(join(ROOT, "scenarios"), join(dir, "scenarios"), "dir");
  const check = { name: "a", scenario: "scenarios/retry-storm.yaml" };
  const variants: [string, Record<string, unknown>][] = [
    ["unknown top-level field", { replication: 3, checks: [{ ...check, recovers: {} }] }],
    ["unknown expectation", { checks: [{ ...check, recover: {} }] }],
    ["no expectation", { checks: [check] }],
    ["two expectations", { checks: [{ ...check, recovers: {}, fluid: {} }] }],
    ["fluid headroom below 1", { checks: [{ ...check, fluid: { atLeast: 0.5 } }] }],
    ["goodput above 1", { checks: [{ ...check, goodput: { atLeast: 1.5 } }] }],
  ];
  for (const [what, file] of variants) {
    expect(validate(file), what).toBe(false);
    writeFileSync(join(dir, "checks.yaml"), JSON.stringify(file));
    expect(() => loadChecksFile(join(dir, "checks.yaml")), what).toThrow();
  }
  const good = {
    $schema: "node_modules/metastable/schema/checks.schema.json",
    checks: [{ ...check, fluid: {} }],
  };
  expect(validate(good)).toBe(true);
  writeFileSync(join(dir, "checks.yaml"), JSON.stringify(good));
  expect(loadChecksFile(join(dir, "checks.yaml"))).toHaveLength(1);
});
