import { z } from "zod";
import { scenarioSchema } from "./schema.js";

// The scenario format as JSON Schema, for editors (VS Code's YAML extension completes and checks a
// file that names it). Generated from the same zod schema the loader uses, so the two cannot drift;
// the package ships it as schema/scenario.schema.json and a test keeps that file in step.

/** Where the schema is published, relative to the package root. */
export const SCENARIO_SCHEMA_FILE = "schema/scenario.schema.json";

/** The JSON Schema (draft-07) of a scenario file. */
export function scenarioJsonSchema(): Record<string, unknown> {
  // `finite` is a custom check (no JSON Schema form): it is a number in the file.
  const schema = z.toJSONSchema(scenarioSchema, {
    target: "draft-7",
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === "custom") ctx.jsonSchema.type = "number";
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: "Metastable scenario",
    ...schema,
  };
}
