import { OptionError } from "../../engine/option-error.js";
import type { ConnectionSelection } from "./connection-selection.js";
import { LruSelection } from "./lru-selection.js";
import { MruSelection } from "./mru-selection.js";

/** Names of the idle-connection selection policies. */
export const SELECTION_KINDS = ["mru", "lru"] as const;

/** An idle-connection selection policy by name. */
export type SelectionKind = (typeof SELECTION_KINDS)[number];

/** Builds (and validates) a selection policy. */
export function createSelection<T>(kind: SelectionKind): ConnectionSelection<T> {
  switch (kind) {
    case "mru":
      return new MruSelection<T>();
    case "lru":
      return new LruSelection<T>();
    default:
      throw new OptionError([], `expected one of ${SELECTION_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
  }
}
