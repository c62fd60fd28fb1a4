import { OptionError } from "../../engine/option-error.js";
import { kindsOf, type PolicySpec, policyFamily } from "../options.js";
import type { ConnectionSelection } from "./connection-selection.js";
import { LruSelection } from "./lru-selection.js";
import { MruSelection } from "./mru-selection.js";

/** Which idle connection a pool's call takes. */
export const SELECTIONS = policyFamily("selection", {
  mru: { doc: "The connection released last (a stack: a few connections do most of the work).", options: {} },
  lru: { doc: "The connection released first (a queue: connections take turns).", options: {} },
});

/** An idle-connection selection policy as written in a scenario file. */
export type SelectionSpec = PolicySpec<typeof SELECTIONS>;

/** Builds (and validates) a selection policy. */
export function createSelection<T>(spec: SelectionSpec): ConnectionSelection<T> {
  switch (spec.kind) {
    case "mru":
      return new MruSelection<T>();
    case "lru":
      return new LruSelection<T>();
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${kindsOf(SELECTIONS).join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
