import type { ClientFlowOptions } from "../../src/fluid/client-flow.js";

/** A client with no backoff, budget or late answers unless `o` says otherwise. */
export const fluidClient = (o: Partial<ClientFlowOptions> = {}): ClientFlowOptions => ({
  timeout: 1,
  maxAttempts: 4,
  retryOnTimeout: true,
  retryOnError: true,
  meanBackoff: 0,
  acceptLateResponses: false,
  retryBudget: null,
  ...o,
});
