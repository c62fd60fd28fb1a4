import { z } from "zod";
import { Client } from "../../model/client.js";
import { componentType } from "../component-type.js";
import { backoffSchema, num, ref } from "../schema-parts.js";

/** `clients:` callers with timeouts, retries and backoff. */
export const clientType = componentType({
  section: "clients",
  type: "client",
  schema: z
    .object({
      target: ref,
      timeout: num.optional(),
      maxAttempts: num.optional(),
      retryOnTimeout: z.boolean().optional(),
      retryOnError: z.boolean().optional(),
      backoff: backoffSchema.optional(),
      acceptLateResponses: z.boolean().optional(),
    })
    .strict(),
  references: (s) => [{ path: ["target"], name: s.target }],
  build: (ctx, name, s) => new Client(ctx.sim, name, ctx.service(s.target), s),
});
