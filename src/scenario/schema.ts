import { z } from "zod";
import { FAULT_PARAM_NAMES, type FaultParamName } from "../model/faults/fault.js";
import { optionShape } from "./option-schema.js";
import { COMPONENT_TYPES } from "./registry.js";
import { finite, num, ref } from "./schema-parts.js";
import { SETTINGS_OPTIONS } from "./settings-options.js";

const componentName = z
  .string()
  .regex(/^[A-Za-z][\w.-]*$/, "names start with a letter and use letters, digits, _ . -");

// A fault's kind and its parameters' ranges are checked by `checkFault` against the kind's
// declaration (its message names the section's kinds); the file format lists every parameter name.
const fault = z
  .object({
    kind: z.string(),
    target: ref,
    at: num,
    duration: num.optional(),
    ...(Object.fromEntries(FAULT_PARAM_NAMES.map((p) => [p, num.optional()])) as Record<
      FaultParamName,
      z.ZodOptional<typeof num>
    >),
  })
  .strict();

const sections = Object.fromEntries(
  COMPONENT_TYPES.map((t) => [t.section, z.record(componentName, t.schema).optional()]),
) as Record<string, z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodType>>>;

/** A scenario file. Times are in seconds, rates in requests per second. */
export const scenarioSchema = z
  .object({
    /** The JSON Schema this file follows (editors read it; runs ignore it). */
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    ...optionShape(SETTINGS_OPTIONS),
    /** What healthy means for the verdict (see src/analysis/health.ts). */
    health: z
      .object({
        goodput: num.optional(),
        latency: z.object({ quantile: num.optional(), within: num }).strict().optional(),
        errorRate: num.optional(),
        window: num.optional(),
        minRequests: num.optional(),
      })
      .strict()
      .optional(),
    triggers: z.array(fault).optional(),
    interventions: z.array(fault).optional(),
    /** Where the dashboard draws each component, by name; runs ignore it. */
    layout: z.record(z.string(), z.object({ x: finite, y: finite }).strict()).optional(),
    ...sections,
  })
  .strict();

/** A scenario as parsed, before defaults are filled and components validate their options. */
export type ScenarioSpec = z.infer<typeof scenarioSchema> & {
  /** Component sections, keyed by section name (see the registry). */
  [section: string]: unknown;
};
