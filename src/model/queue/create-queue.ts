import { OptionError } from "../../engine/option-error.js";
import { kindsOf, type PolicySpec, policyFamily } from "../options.js";
import { ADAPTIVE_LIFO_OPTIONS, AdaptiveLifoQueue } from "./adaptive-lifo-queue.js";
import { CODEL_OPTIONS, CodelQueue } from "./codel-queue.js";
import { FifoQueue } from "./fifo-queue.js";
import { LifoQueue } from "./lifo-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** The queue disciplines a server can use, each with its options. */
export const QUEUE_DISCIPLINES = policyFamily("queue", {
  fifo: { doc: "First come, first served.", options: {} },
  lifo: {
    doc: "Newest first: under a backlog the fresh calls, which callers still want, are served.",
    options: {},
  },
  adaptiveLifo: {
    doc: "FIFO while the queue is short, LIFO once `threshold` calls wait (Facebook's adaptive LIFO).",
    options: ADAPTIVE_LIFO_OPTIONS,
  },
  codel: {
    doc: "FIFO that sheds calls while the queue delay stays above `target` (CoDel, RFC 8289).",
    options: CODEL_OPTIONS,
  },
});

/** A queue discipline as written in a scenario file. */
export type QueueSpec = PolicySpec<typeof QUEUE_DISCIPLINES>;

/** Names of the queue disciplines. */
export const QUEUE_KINDS = kindsOf(QUEUE_DISCIPLINES);

/** Builds (and validates) a queue discipline. */
export function createQueue(spec: QueueSpec): QueueDiscipline {
  switch (spec.kind) {
    case "fifo":
      return new FifoQueue();
    case "lifo":
      return new LifoQueue();
    case "adaptiveLifo":
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
