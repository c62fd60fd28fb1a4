import { CLIENT_OPTIONS, Client } from "../../model/components/client.js";
import { option } from "../../model/options.js";
import { componentType } from "../component-type.js";

/** `clients:` callers with timeouts, retries, backoff and optional client-side policies. */
export const clientType = componentType({
  section: "clients",
  type: "client",
  roles: ["requestSink"],
  template: {},
  options: {
    target: option.reference({ doc: "The service it calls.", required: true, to: "service" }),
    ...CLIENT_OPTIONS,
  },
  build: (ctx, name, { target, ...s }) => new Client(ctx.sim, name, ctx.service(target), s),
});
