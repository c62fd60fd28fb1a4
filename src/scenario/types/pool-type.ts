import { CONNECTION_POOL_OPTIONS, ConnectionPool } from "../../model/components/pool.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `pools:` a fixed set of connections over one or more backends, re-established after failures. */
export const poolType = componentType({
  section: "pools",
  type: "pool",
  roles: ["service"],
  template: {},
  options: {
    backends: option.references({
      doc: "The services its connections lead to.",
      required: true,
      to: "service",
    }),
    ...CONNECTION_POOL_OPTIONS,
  },
  build: (ctx, name, { backends, ...s }) =>
    new ConnectionPool(
      ctx.sim,
      name,
      backends.map((b) => ctx.service(b)),
      s,
    ),
});
