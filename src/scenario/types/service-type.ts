import { createDistribution } from "../../engine/distributions.js";
import { within } from "../../engine/option-error.js";
import { CallingService, SERVICE_OPTIONS } from "../../model/components/service.js";
import type { CallOptions, CallSpec, StepOptions } from "../../model/service-steps.js";
import type { BuildContext } from "../component-type.js";
import { componentType } from "../component-type.js";

/** `services:` workers whose work includes calls to other components, each with its own caller policy. */
export const serviceType = componentType({
  section: "services",
  type: "service",
  roles: ["service", "work"],
  // Own work only, as fast as a new server; calls downstream are added as steps in its form.
  template: { steps: [{ kind: "work", serviceTime: { kind: "exponential", mean: 0.1 } }] },
  options: SERVICE_OPTIONS,
  build: (ctx, name, s) =>
    new CallingService(ctx.sim, name, {
      ...s,
      steps: s.steps.map((step, i): StepOptions => {
        if (step.kind === "work")
          return {
            kind: "work",
            serviceTime: within(["steps", i, "serviceTime"], () => createDistribution(step.serviceTime)),
          };
        if (step.kind === "call") return { ...call(ctx, step), kind: "call" };
        return { ...step, calls: step.calls.map((c) => call(ctx, c)) };
      }),
    }),
});

function call(ctx: BuildContext, spec: CallSpec): CallOptions {
  return { ...spec, target: ctx.service(spec.target) };
}
