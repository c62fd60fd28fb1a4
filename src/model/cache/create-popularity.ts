import { OptionError } from "../../engine/option-error.js";
import { kindsOf, option, type PolicySpec, policyFamily } from "../options.js";
import type { KeyPopularity } from "./key-popularity.js";
import { UniformPopularity } from "./uniform-popularity.js";
import { ZipfPopularity } from "./zipf-popularity.js";

/** How requests pick keys, each with its options. */
export const POPULARITIES = policyFamily("popularity", {
  uniform: { doc: "Every key equally often.", options: {} },
  zipf: {
    doc: "Key k (1 = hottest) with weight k^-exponent.",
    options: {
      exponent: option.number({ doc: "Skew: 0 is uniform, larger is hotter.", required: true, min: 0 }),
    },
  },
});

/** A key popularity as written in a scenario file. */
export type PopularitySpec = PolicySpec<typeof POPULARITIES>;

/** Builds (and validates) the popularity of a key space of `keys` keys. */
export function createPopularity(spec: PopularitySpec, keys: number): KeyPopularity {
  switch (spec.kind) {
    case "uniform":
      return new UniformPopularity(keys);
    case "zipf":
      return new ZipfPopularity(keys, spec.exponent);
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${kindsOf(POPULARITIES).join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
