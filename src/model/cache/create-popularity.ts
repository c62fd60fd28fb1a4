import { OptionError } from "../../engine/option-error.js";
import type { KeyPopularity } from "./key-popularity.js";
import { UniformPopularity } from "./uniform-popularity.js";
import { ZipfPopularity } from "./zipf-popularity.js";

/** A key popularity as written in a scenario file. */
export type PopularitySpec = "uniform" | { kind: "uniform" } | { kind: "zipf"; exponent: number };

/** Builds (and validates) the popularity of a key space of `keys` keys. */
export function createPopularity(spec: PopularitySpec, keys: number): KeyPopularity {
  const kind = typeof spec === "string" ? spec : (spec as { kind?: unknown } | null)?.kind;
  if (kind === "uniform") return new UniformPopularity(keys);
  if (kind === "zipf") return new ZipfPopularity(keys, (spec as { exponent: number }).exponent);
  throw new OptionError(
    typeof spec === "object" && spec !== null ? ["kind"] : [],
    `expected "uniform" or { kind: zipf, exponent }, got ${JSON.stringify(spec)}`,
  );
}
