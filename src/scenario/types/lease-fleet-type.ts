import { OptionError } from "../../engine/option-error.js";
import { Client } from "../../model/components/client.js";
import { LEASE_FLEET_OPTIONS, LeaseFleet } from "../../model/components/lease-fleet.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `leaseFleets:` hosts renewing leases through a client; lapsed leases must be re-acquired. */
export const leaseFleetType = componentType({
  section: "leaseFleets",
  type: "leaseFleet",
  roles: ["load"],
  template: { hosts: 20, leaseDuration: 10, renewEvery: 3 },
  options: {
    target: option.reference({
      doc: "The client its renewals and acquisitions go through.",
      required: true,
      to: "client",
    }),
    ...LEASE_FLEET_OPTIONS,
  },
  build: (ctx, name, { target, ...s }) => {
    const client = ctx.sink(target);
    if (!(client instanceof Client)) {
      throw new OptionError(["target"], `"${target}" is not a client; a fleet renews through a client`);
    }
    return new LeaseFleet(ctx.sim, name, client, s);
  },
});
