import { z } from "zod";
import {
  describeFaultKind,
  type FaultKindName,
  type FaultSpec,
  INTERVENTION_KINDS,
  TRIGGER_KINDS,
} from "../model/faults/fault.js";
import { optionShape } from "./option-schema.js";
import { COMPONENT_TYPES } from "./registry.js";
import { finite, num, ref } from "./schema-parts.js";
import { SETTINGS_OPTIONS } from "./settings-options.js";

const componentName = z
  .string()
  .regex(/^[A-Za-z][\w.-]*$/, "names start with a letter and use letters, digits, _ . -");

/**
 * The file format of a fault section: a union by kind of the section's kinds, each with its own
 * parameters (declared with the kind), a duration when it lasts and none when it is instant.
 * Ranges are checked by `checkFault` against the same declarations.
 */
function faultSchema<K extends FaultKindName>(kinds: readonly K[]): z.ZodType<FaultSpec<K>> {
  const variants = kinds.map((kind) => {
    const k = describeFaultKind(kind)!;
    return z
      .object({
        kind: z.literal(kind).meta({ description: k.doc }),
        target: ref,
        at: num,
        ...(k.lasting && { duration: num }),
        ...optionShape(k.params),
      })
      .strict();
  });
  return z.discriminatedUnion(
    "kind",
    variants as unknown as [z.ZodObject, ...z.ZodObject[]],
  ) as unknown as z.ZodType<FaultSpec<K>>;
}

const sections = Object.fromEntries(
  COMPONENT_TYPES.map((t) => [t.section, z.record(componentName, t.schema).optional()]),
) as Record<string, z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodType>>>;

/** A scenario file. Times are in seconds, rates in requests per second. */
export const scenarioSchema = z
  .object({
    $schema: z
      .string()
      .meta({ description: "The JSON Schema this file follows, for editors; runs ignore it." })
      .optional(),
    name: z.string().min(1).meta({ description: "Scenario name, shown in reports." }),
    description: z
      .string()
      .meta({ description: "What the scenario shows, in a sentence or two." })
      .optional(),
    ...optionShape(SETTINGS_OPTIONS),
    triggers: z
      .array(faultSchema(TRIGGER_KINDS))
      .meta({ description: "Faults that push the system: spikes, pauses, flushes, outages." })
      .optional(),
    interventions: z
      .array(faultSchema(INTERVENTION_KINDS))
      .meta({ description: "Changes that try to rescue it: load cuts, restarts, config changes." })
      .optional(),
    layout: z
      .record(z.string(), z.object({ x: finite, y: finite }).strict())
      .meta({ description: "Where the dashboard draws each component, by name; runs ignore it." })
      .optional(),
    ...sections,
  })
  .strict();

/** A scenario as parsed, before defaults are filled and components validate their options. */
export type ScenarioSpec = z.infer<typeof scenarioSchema> & {
  /** Component sections, keyed by section name (see the registry). */
  [section: string]: unknown;
};
