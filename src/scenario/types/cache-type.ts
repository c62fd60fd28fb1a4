import { z } from "zod";
import { Cache } from "../../model/cache.js";
import { componentType } from "../component-type.js";
import { num, ref } from "../schema-parts.js";

// "uniform" is short for { kind: uniform }; a discriminated union names the kinds in its errors.
const popularitySchema = z.preprocess(
  (v) => (typeof v === "string" ? { kind: v } : v),
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("uniform") }).strict(),
    z.object({ kind: z.literal("zipf"), exponent: num }).strict(),
  ]),
);

/** `caches:` a look-aside cache in front of a database. */
export const cacheType = componentType({
  section: "caches",
  type: "cache",
  schema: z
    .object({
      database: ref,
      keys: num.optional(),
      popularity: popularitySchema.optional(),
      capacity: num.optional(),
      ttl: num.optional(),
      hitLatency: num.optional(),
      coalesce: z.boolean().optional(),
      serveStale: z.boolean().optional(),
      prefill: num.optional(),
    })
    .strict(),
  references: (s) => [{ path: ["database"], name: s.database }],
  build: (ctx, name, s) => new Cache(ctx.sim, name, ctx.service(s.database), s),
});
