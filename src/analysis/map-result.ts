import type { Axis } from "./axis.js";
import type { Estimate } from "./statistics.js";
import type { TrialResult } from "./trial.js";

// A map's cells and result, apart from the sweep module (which hashes with node:crypto) so that the
// page, which computes maps too, imports them without it.

/** One grid point: cell index = iy * x.steps + ix. */
export interface SweepCell {
  index: number;
  ix: number;
  iy: number;
  x: number;
  y: number;
}

/** A cell's statistics over its replications. */
export interface MapCell extends SweepCell {
  /** Probability of getting stuck (metastable or unstable), Wilson 95% interval. */
  pStuck: Estimate;
  /** Goodput / offered load after the triggers, 95% t-interval. */
  goodputRatio: Estimate;
  /** How many replications ended with each verdict. */
  verdicts: Record<TrialResult["verdict"], number>;
}

/** What `metastable map` reports; identical whether it ran in one piece, in shards or resumed. */
export interface MapResult {
  scenario: string;
  description: string;
  scenarioHash: string;
  x: Axis & { values: number[] };
  y: Axis & { values: number[] };
  /** Replications of every cell; refined cells have more (their `pStuck.n`), seeds continuing from `seeds`. */
  replications: number;
  seeds: number[];
  /** Refinement rounds run. */
  refine: number;
  cells: MapCell[];
}
