import { z } from "zod";
import { BALANCING_POLICIES } from "../../model/balancing/create-balancing-policy.js";
import { LoadBalancer } from "../../model/load-balancer.js";
import { componentType } from "../component-type.js";
import { num, ref } from "../schema-parts.js";

/** `balancers:` spread calls over backends, optionally ejecting those that fail health checks. */
export const loadBalancerType = componentType({
  section: "balancers",
  type: "balancer",
  schema: z
    .object({
      backends: z.array(ref),
      policy: z.enum(BALANCING_POLICIES).optional(),
      healthCheck: z
        .object({
          interval: num.optional(),
          timeout: num.optional(),
          unhealthyThreshold: num.optional(),
          healthyThreshold: num.optional(),
        })
        .strict()
        .optional(),
      failOpen: z.boolean().optional(),
      maxEjectedFraction: num.optional(),
    })
    .strict(),
  references: (s) => s.backends.map((name, i) => ({ path: ["backends", i], name })),
  build: (ctx, name, s) =>
    new LoadBalancer(
      ctx.sim,
      name,
      s.backends.map((b) => ctx.service(b)),
      s,
    ),
});
