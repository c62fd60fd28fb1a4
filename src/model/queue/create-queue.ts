import { OptionError } from "../../engine/option-error.js";
import { type AdaptiveLifoOptions, AdaptiveLifoQueue } from "./adaptive-lifo-queue.js";
import { type CodelOptions, CodelQueue } from "./codel-queue.js";
import { FifoQueue } from "./fifo-queue.js";
import { LifoQueue } from "./lifo-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** A queue discipline as written in a scenario file. */
export type QueueSpec =
  | { kind: "fifo" }
  | { kind: "lifo" }
  | ({ kind: "adaptive-lifo" } & AdaptiveLifoOptions)
  | ({ kind: "codel" } & CodelOptions);

/** Names of the queue disciplines. */
export const QUEUE_KINDS = ["fifo", "lifo", "adaptive-lifo", "codel"] as const;

/** Builds (and validates) a queue discipline. */
export function createQueue(spec: QueueSpec): QueueDiscipline {
  switch (spec.kind) {
    case "fifo":
      return new FifoQueue();
    case "lifo":
      return new LifoQueue();
    case "adaptive-lifo":
      return new AdaptiveLifoQueue(spec);
    case "codel":
      return new CodelQueue(spec);
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${QUEUE_KINDS.join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
