import { createDistribution } from "../../engine/distributions.js";
import { OptionError, within } from "../../engine/option-error.js";
import { AUTOSCALER_OPTIONS, Autoscaler } from "../../model/components/autoscaler.js";
import { LoadBalancer } from "../../model/components/balancer.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `autoscalers:` add and remove a balancer's backends to keep a metric at its target. */
export const autoscalerType = componentType({
  section: "autoscalers",
  type: "autoscaler",
  roles: ["work"],
  template: {
    targetValue: 0.7,
    maxInstances: 4,
    server: { serviceTime: { kind: "exponential", mean: 0.1 } },
  },
  options: {
    target: option.reference({
      doc: "The balancer whose backends it scales.",
      required: true,
      to: "balancer",
    }),
    ...AUTOSCALER_OPTIONS,
  },
  build: (ctx, name, { target, ...s }) => {
    const balancer = ctx.service(target);
    if (!(balancer instanceof LoadBalancer))
      throw new OptionError(
        ["target"],
        `"${target}" is not a balancer; an autoscaler scales a balancer's backends`,
      );
    const serviceTime = within(["server", "serviceTime"], () => createDistribution(s.server.serviceTime));
    return new Autoscaler(ctx.sim, name, balancer, { ...s, server: { ...s.server, serviceTime } });
  },
});
