import { z } from "zod";
import { BAD_FILE_POLICIES, ConfigPipeline, WITHOUT_GOOD_FILE } from "../../model/config-pipeline.js";
import { componentType } from "../component-type.js";
import { num, ref } from "../schema-parts.js";

/** `configPipelines:` a regenerated feature file and the consumer that loads it in front of a service. */
export const configPipelineType = componentType({
  section: "configPipelines",
  type: "configPipeline",
  schema: z
    .object({
      target: ref,
      regenerateEvery: num.optional(),
      rows: num.optional(),
      upgradedFactor: num.optional(),
      cardinalityLimit: num.optional(),
      onBadFile: z.enum(BAD_FILE_POLICIES).optional(),
      schemaCheck: z.boolean().optional(),
      maxGrowth: num.optional(),
      withoutGoodFile: z.enum(WITHOUT_GOOD_FILE).optional(),
    })
    .strict(),
  references: (s) => [{ path: ["target"], name: s.target }],
  build: (ctx, name, s) => new ConfigPipeline(ctx.sim, name, ctx.service(s.target), s),
});
