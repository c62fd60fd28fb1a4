import { z } from "zod";
import { createDistribution } from "../../engine/distributions.js";
import { within } from "../../engine/option-error.js";
import { CallingService } from "../../model/service.js";
import type { CallOptions, StepOptions } from "../../model/service-steps.js";
import type { BuildContext } from "../component-type.js";
import { componentType } from "../component-type.js";
import { distributionSchema, num, queueSchema } from "../schema-parts.js";
import { clientSchema } from "./client-type.js";

/** A downstream call: a client's options, plus whether the incoming deadline is passed down. */
const callSchema = clientSchema.extend({ propagateDeadline: z.boolean().optional() });
type CallSpec = z.infer<typeof callSchema>;

const stepSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("work"), serviceTime: distributionSchema }).strict(),
  callSchema.extend({ kind: z.literal("call") }),
  z
    .object({
      kind: z.literal("parallel"),
      wait: z.enum(["all", "first"]).optional(),
      calls: z.array(callSchema),
    })
    .strict(),
]);

/** `services:` workers whose work includes calls to other components, each with its own caller policy. */
export const serviceType = componentType({
  section: "services",
  type: "service",
  schema: z
    .object({
      steps: z.array(stepSchema),
      concurrency: num.optional(),
      queueCapacity: num.optional(),
      queue: queueSchema.optional(),
      blocking: z.boolean().optional(),
      dropExpired: z.boolean().optional(),
      unreachableAnswer: z.enum(["unavailable", "empty"]).optional(),
    })
    .strict(),
  references: (s) =>
    s.steps.flatMap((step, i) =>
      step.kind === "call"
        ? [{ path: ["steps", i, "target"], name: step.target }]
        : step.kind === "parallel"
          ? step.calls.map((c, j) => ({ path: ["steps", i, "calls", j, "target"], name: c.target }))
          : [],
    ),
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
