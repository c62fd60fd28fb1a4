import { createDistribution } from "../../engine/distributions.js";
import { within } from "../../engine/option-error.js";
import { SERVER_OPTIONS, Server } from "../../model/components/server.js";
import { componentType } from "../component-type.js";

/** `servers:` a queue in front of identical workers. */
export const serverType = componentType({
  section: "servers",
  type: "server",
  roles: ["service", "work"],
  template: { serviceTime: { kind: "exponential", mean: 0.1 } },
  options: SERVER_OPTIONS,
  build: (ctx, name, s) =>
    new Server(ctx.sim, name, {
      ...s,
      serviceTime: within(["serviceTime"], () => createDistribution(s.serviceTime)),
    }),
});
