import { z } from "zod";
import { Client } from "../../model/client.js";
import { componentType } from "../component-type.js";
import { backoffSchema, num, ref } from "../schema-parts.js";

/** A client's entry: what a service's downstream call takes too (one vocabulary for callers). */
export const clientSchema = z
  .object({
    target: ref,
    timeout: num.optional(),
    maxAttempts: num.optional(),
    retryOnTimeout: z.boolean().optional(),
    retryOnError: z.boolean().optional(),
    retryOnEmpty: z.boolean().optional(),
    backoff: backoffSchema.optional(),
    acceptLateResponses: z.boolean().optional(),
    retryBudget: z
      .object({ ratio: num.optional(), minPerSecond: num.optional(), burst: num.optional() })
      .strict()
      .optional(),
    circuitBreaker: z
      .object({
        failureThreshold: num.optional(),
        window: num.optional(),
        openFor: num.optional(),
        halfOpenProbes: num.optional(),
      })
      .strict()
      .optional(),
    hedge: z.object({ after: num }).strict().optional(),
    deadline: num.optional(),
    rateLimit: z.object({ perSecond: num, burst: num.optional() }).strict().optional(),
    concurrencyLimit: z
      .object({
        kind: z.literal("aimd"),
        initial: num.optional(),
        min: num.optional(),
        max: num.optional(),
        increase: num.optional(),
        decrease: num.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** `clients:` callers with timeouts, retries, backoff and optional client-side policies. */
export const clientType = componentType({
  section: "clients",
  type: "client",
  schema: clientSchema,
  references: (s) => [{ path: ["target"], name: s.target }],
  build: (ctx, name, s) => new Client(ctx.sim, name, ctx.service(s.target), s),
});
