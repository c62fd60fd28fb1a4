import type { FluidAnalysis } from "../../src/fluid/analyse.js";

/** Analyse `text` with the fluid model at base load `load` (null: the scenario's own). */
export interface FluidRequest {
  id: number;
  text: string;
  file: string;
  load: number | null;
}

/** The analysis, or why the fluid model refuses the scenario; ms is the time the analysis took. */
export interface FluidResponse {
  id: number;
  analysis: FluidAnalysis | null;
  refusal: string | null;
  ms: number;
}
