import { z } from "zod";
import { createDistribution } from "../../engine/distributions.js";
import { within } from "../../engine/option-error.js";
import { Server } from "../../model/server.js";
import { componentType } from "../component-type.js";
import { distributionSchema, num, queueSchema } from "../schema-parts.js";

/** `servers:` a queue in front of identical workers. */
export const serverType = componentType({
  section: "servers",
  type: "server",
  schema: z
    .object({
      serviceTime: distributionSchema,
      concurrency: num.optional(),
      queueCapacity: num.optional(),
      queue: queueSchema.optional(),
      dropExpired: z.boolean().optional(),
      errorCost: num.optional(),
    })
    .strict(),
  references: () => [],
  build: (ctx, name, s) =>
    new Server(ctx.sim, name, {
      ...s,
      serviceTime: within(["serviceTime"], () => createDistribution(s.serviceTime)),
    }),
});
