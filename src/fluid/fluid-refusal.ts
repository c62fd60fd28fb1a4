import { ScenarioError } from "../scenario/scenario-error.js";

/** What the fluid model leaves out, located at the component or option at fault in the scenario. */
export type Issue = { path: (string | number)[]; message: string };

/** Throws the refusal of one issue (the scenario is located where it is read). */
export type Refuse = (issue: Issue) => never;

/** A scenario the fluid model does not cover, located at the component or option at fault. */
export class FluidRefusal extends ScenarioError {
  override name = "FluidRefusal";
}
