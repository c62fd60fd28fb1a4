import { z } from "zod";
import { createDistribution, type DistributionSpec } from "../../engine/distributions.js";
import { OptionError, within } from "../../engine/option-error.js";
import { Autoscaler } from "../../model/autoscaler.js";
import { LoadBalancer } from "../../model/load-balancer.js";
import type { ServerOptions } from "../../model/server.js";
import { componentType } from "../component-type.js";
import { num, ref } from "../schema-parts.js";
import { serverType } from "./server-type.js";

/** The `server:` template: the same fields as a `servers:` entry. */
type ServerSpec = Omit<ServerOptions, "serviceTime"> & { serviceTime: DistributionSpec };

/** `autoscalers:` add and remove a balancer's backends to keep a metric at its target. */
export const autoscalerType = componentType({
  section: "autoscalers",
  type: "autoscaler",
  schema: z
    .object({
      target: ref,
      metric: z.enum(["utilisation", "queueLength"]).optional(),
      targetValue: num,
      evaluationInterval: num.optional(),
      scaleOutDelay: num.optional(),
      scaleInCooldown: num.optional(),
      coldStart: z
        .object({ duration: num.optional(), slowdown: num.optional(), failAbove: num.optional() })
        .strict()
        .optional(),
      minInstances: num.optional(),
      maxInstances: num,
      server: serverType.schema,
    })
    .strict(),
  references: (s) => [{ path: ["target"], name: s.target }],
  build: (ctx, name, s) => {
    const target = ctx.service(s.target);
    if (!(target instanceof LoadBalancer))
      throw new OptionError(
        ["target"],
        `"${s.target}" is not a balancer; an autoscaler scales a balancer's backends`,
      );
    const server = s.server as ServerSpec;
    const serviceTime = within(["server", "serviceTime"], () => createDistribution(server.serviceTime));
    return new Autoscaler(ctx.sim, name, target, { ...s, server: { ...server, serviceTime } });
  },
});
