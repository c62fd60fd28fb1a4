import { OptionError } from "../../engine/option-error.js";
import { FifoQueue } from "./fifo-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** A queue discipline as written in a scenario file. */
export type QueueSpec = { kind: "fifo" };

/** Names of the queue disciplines. */
export const QUEUE_KINDS = ["fifo"] as const;

/** Builds (and validates) a queue discipline. */
export function createQueue(spec: QueueSpec): QueueDiscipline {
  switch (spec.kind) {
    case "fifo":
      return new FifoQueue();
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${QUEUE_KINDS.join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
