import { CONFIG_PIPELINE_OPTIONS, ConfigPipeline } from "../../model/components/config-pipeline.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `configPipelines:` a regenerated feature file and the consumer that loads it in front of a service. */
export const configPipelineType = componentType({
  section: "configPipelines",
  type: "configPipeline",
  roles: ["service"],
  template: {},
  options: {
    target: option.reference({ doc: "The service the consumer fronts.", required: true, to: "service" }),
    ...CONFIG_PIPELINE_OPTIONS,
  },
  build: (ctx, name, { target, ...s }) => new ConfigPipeline(ctx.sim, name, ctx.service(target), s),
});
