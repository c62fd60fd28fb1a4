import { CACHE_OPTIONS, Cache } from "../../model/components/cache.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `caches:` a look-aside cache in front of a database. */
export const cacheType = componentType({
  section: "caches",
  type: "cache",
  roles: ["service"],
  template: {},
  options: {
    target: option.reference({
      doc: "The store it reads through to on a miss.",
      required: true,
      to: "service",
    }),
    ...CACHE_OPTIONS,
  },
  build: (ctx, name, { target, ...s }) => new Cache(ctx.sim, name, ctx.service(target), s),
});
