import { z } from "zod";
import { OptionError } from "../../engine/option-error.js";
import { Client } from "../../model/client.js";
import { LeaseFleet } from "../../model/lease-fleet.js";
import { componentType } from "../component-type.js";
import { backoffSchema, num, ref } from "../schema-parts.js";

/** `leaseFleets:` hosts renewing leases through a client; lapsed leases must be re-acquired. */
export const leaseFleetType = componentType({
  section: "leaseFleets",
  type: "leaseFleet",
  schema: z
    .object({
      target: ref,
      hosts: num,
      leaseDuration: num,
      renewEvery: num,
      jitter: num.optional(),
      acquireCost: num.optional(),
      acquireBackoff: backoffSchema.optional(),
    })
    .strict(),
  references: (s) => [{ path: ["target"], name: s.target }],
  build: (ctx, name, s) => {
    const client = ctx.sink(s.target);
    if (!(client instanceof Client)) {
      throw new OptionError(["target"], `"${s.target}" is not a client; a fleet renews through a client`);
    }
    return new LeaseFleet(ctx.sim, name, client, s);
  },
});
