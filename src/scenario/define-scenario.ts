import type { z } from "zod";
import { type ParsedScenario, parseScenarioText } from "./parse.js";
import type { scenarioSchema } from "./schema.js";

/**
 * A scenario as written in code: the top-level fields of a scenario file, typed; component
 * sections (`sources`, `clients`, `servers`, ...) are checked when the scenario is defined.
 */
export type ScenarioInput = z.input<typeof scenarioSchema> & { [section: string]: unknown };

/**
 * A scenario built in code, checked exactly as a file is. Errors name the field and a line of the
 * scenario printed as JSON under the name `file`.
 */
export function defineScenario(spec: ScenarioInput, file = "<code>"): ParsedScenario {
  return parseScenarioText(JSON.stringify(spec, null, 2), file);
}
