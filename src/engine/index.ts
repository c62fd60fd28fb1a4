// The kernel: nothing here knows about requests, servers or metrics.
export type { Distribution } from "./distribution.js";
export { createDistribution, DISTRIBUTION_KINDS, type DistributionSpec } from "./distributions.js";
export { EventQueue } from "./event-queue.js";
export { ModelLimitError } from "./limit-error.js";
export { checkBoolean, checkNumber, OptionError, within } from "./option-error.js";
export { createStream, type RandomStream } from "./random.js";
export {
  type EventHandle,
  type Handler,
  type RunOptions,
  type RunStatus,
  Simulation,
  type SimulationOptions,
  type StopReason,
} from "./simulation.js";
