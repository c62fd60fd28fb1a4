import type { MapResult } from "../analysis/sweep.js";
import { fluidBand } from "../fluid/analyse.js";
import type { Band } from "../fluid/equilibria.js";
import { deriveFluidModel } from "../fluid/fluid-model.js";
import { type MapFluidOverlay, mapFluidOverlay } from "../report/fluid-overlay.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";

// The fluid bands `map` and `threshold` lay over their results. Kept apart from the fluid command,
// which imports the chart library: a `map --json` has no use for its 600 modules.

/**
 * The fluid band to lay over a map of `parsed`, or why there is none: the model's refusal (a
 * component it does not cover) in a sentence.
 */
export function mapFluidBand(parsed: ParsedScenario, result: MapResult): MapFluidOverlay | string {
  return orRefusal(() => mapFluidOverlay(parsed, result.x, result.y));
}

/** The fluid band of `parsed` (requests per second) for a threshold report, or why there is none. */
export function thresholdFluidBand(parsed: ParsedScenario): Band | string {
  return orRefusal(() => fluidBand(deriveFluidModel(parsed)));
}

/** What `solve` returns, or the fluid model's refusal of the scenario as a sentence. */
function orRefusal<T>(solve: () => T): T | string {
  try {
    return solve();
  } catch (e) {
    if (e instanceof ScenarioError)
      return `the fluid model does not cover this scenario (${e.issues[0]?.message ?? e.message})`;
    throw e;
  }
}
