import { z } from "zod";
import { Source } from "../../model/load/source.js";
import { componentType } from "../component-type.js";
import { profileSchema, ref } from "../schema-parts.js";

/** `sources:` open-loop load feeding a client. */
export const sourceType = componentType({
  section: "sources",
  type: "source",
  schema: z
    .object({ target: ref, arrivals: z.enum(["even", "poisson"]).optional(), profile: profileSchema })
    .strict(),
  references: (s) => [{ path: ["target"], name: s.target }],
  build: (ctx, name, s) =>
    new Source(ctx.sim, name, ctx.sink(s.target), { ...s, until: ctx.settings.duration }),
});
