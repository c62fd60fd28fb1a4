import { z } from "zod";
import { checksFileSchema, KINDS } from "./checks-file.js";

// The checks file format as JSON Schema, so an editor completes and checks a checks file as it does
// a scenario file. Generated from the loader's zod schema; a test keeps the published file in step.

/** Where the schema is published, relative to the package root. */
export const CHECKS_SCHEMA_FILE = "schema/checks.schema.json";

/** The JSON Schema (draft-07) of a `metastable check` file. */
export function checksJsonSchema(): Record<string, unknown> {
  type Shape = Record<string, unknown> & { properties: { checks: { items: Record<string, unknown> } } };
  const schema = z.toJSONSchema(checksFileSchema, { target: "draft-7" }) as unknown as Shape;
  // The loader asks for exactly one expectation per check after the fields are read; say so here too.
  schema.properties.checks.items.oneOf = KINDS.map((k) => ({ required: [k] }));
  return { $schema: schema.$schema, title: "Metastable checks", ...schema };
}
