import { LOAD_BALANCER_OPTIONS, LoadBalancer } from "../../model/components/balancer.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `balancers:` spread calls over backends, optionally ejecting those that fail health checks. */
export const balancerType = componentType({
  section: "balancers",
  type: "balancer",
  roles: ["service"],
  template: {},
  options: {
    backends: option.references({
      doc: "The services it spreads calls over.",
      required: true,
      to: "service",
    }),
    ...LOAD_BALANCER_OPTIONS,
  },
  build: (ctx, name, { backends, ...s }) =>
    new LoadBalancer(
      ctx.sim,
      name,
      backends.map((b) => ctx.service(b)),
      s,
    ),
});
