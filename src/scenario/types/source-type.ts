import { SOURCE_OPTIONS, Source } from "../../model/components/source.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `sources:` open-loop load feeding a client. */
export const sourceType = componentType({
  section: "sources",
  type: "source",
  roles: ["load"],
  // 5 req/s is half of what a new server (one worker, 0.1 s per call) serves: it starts healthy.
  template: { profile: { kind: "constant", rate: 5 } },
  options: {
    target: option.reference({
      doc: "The client that turns its arrivals into requests.",
      required: true,
      to: "requestSink",
    }),
    ...SOURCE_OPTIONS,
  },
  build: (ctx, name, { target, ...s }) =>
    new Source(ctx.sim, name, ctx.sink(target), s, ctx.settings.duration),
});
