import { z } from "zod";
import { ConnectionPool } from "../../model/connection-pool.js";
import { SELECTION_KINDS } from "../../model/pool/create-selection.js";
import { componentType } from "../component-type.js";
import { backoffSchema, num, ref } from "../schema-parts.js";

/** `pools:` a fixed set of connections over one or more backends, re-established after failures. */
export const connectionPoolType = componentType({
  section: "pools",
  type: "pool",
  schema: z
    .object({
      backends: z.array(ref),
      size: num.optional(),
      selection: z.enum(SELECTION_KINDS).optional(),
      reconnectCost: num.optional(),
      connectTimeout: num.optional(),
      closeOnTimeout: z.boolean().optional(),
      closeOnError: z.boolean().optional(),
      reconnectBackoff: backoffSchema.optional(),
      maxWaiting: num.optional(),
    })
    .strict(),
  references: (s) => s.backends.map((name, i) => ({ path: ["backends", i], name })),
  build: (ctx, name, s) =>
    new ConnectionPool(
      ctx.sim,
      name,
      s.backends.map((b) => ctx.service(b)),
      s,
    ),
});
