import { z } from "zod";
import { createDistribution } from "../../engine/distributions.js";
import { within } from "../../engine/option-error.js";
import { Database } from "../../model/database.js";
import { componentType } from "../component-type.js";
import { distributionSchema, num } from "../schema-parts.js";

/** `databases:` a connection-limited store whose queries slow each other down. */
export const databaseType = componentType({
  section: "databases",
  type: "database",
  schema: z
    .object({
      serviceTime: distributionSchema,
      concurrency: num.optional(),
      contention: num.optional(),
      queueCapacity: num.optional(),
      dropExpired: z.boolean().optional(),
    })
    .strict(),
  references: () => [],
  build: (ctx, name, s) =>
    new Database(ctx.sim, name, {
      ...s,
      serviceTime: within(["serviceTime"], () => createDistribution(s.serviceTime)),
    }),
});
