import { createDistribution } from "../../engine/distributions.js";
import { within } from "../../engine/option-error.js";
import { DATABASE_OPTIONS, Database } from "../../model/components/database.js";
import { componentType } from "../component-type.js";

/** `databases:` a connection-limited store whose queries slow each other down. */
export const databaseType = componentType({
  section: "databases",
  type: "database",
  roles: ["service", "work"],
  template: { serviceTime: { kind: "exponential", mean: 0.01 } },
  options: DATABASE_OPTIONS,
  build: (ctx, name, s) =>
    new Database(ctx.sim, name, {
      ...s,
      serviceTime: within(["serviceTime"], () => createDistribution(s.serviceTime)),
    }),
});
