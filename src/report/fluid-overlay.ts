import type { Axis } from "../analysis/axis.js";
import { LOAD_PARAM, SweepError, withParams } from "../analysis/param-path.js";
import { fluidBand } from "../fluid/analyse.js";
import { deriveFluidModel } from "../fluid/fluid-model.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";

/** The fluid band at one value of the map's other parameter, as factors of the scenario's load. */
export interface OverlayBand {
  value: number;
  low: number | null;
  high: number | null;
}

/** What the fluid model says at one cell of a map with no load axis, at the scenario's own load. */
export interface OverlayCell {
  ix: number;
  iy: number;
  /** healthy: below the band (only the healthy state); bistable: in it; stuck: above it. */
  state: "healthy" | "bistable" | "stuck";
}

/** The fluid model's band laid over a simulated map. */
export interface MapFluidOverlay {
  /** Which axis is the load ("load": a factor of every source's load), if either. */
  loadAxis: "x" | "y" | null;
  /** With a load axis: the band along it, one per value of the other axis. */
  bands: OverlayBand[];
  /** Without one: each cell's state at the scenario's load. */
  cells: OverlayCell[];
  /** Cells or rows the model could not solve, and why (a refusal or a bad value). */
  skipped: string[];
}

/**
 * The fluid band over a map's grid, from the same scenario with the map's parameters set: along
 * the load axis when there is one (the band in factors of the scenario's load, per value of the
 * other parameter), else each cell judged at the scenario's load. Throws the FluidRefusal when
 * the model does not cover the scenario at all.
 */
export function mapFluidOverlay(
  parsed: ParsedScenario,
  x: Axis & { values: number[] },
  y: Axis & { values: number[] },
): MapFluidOverlay {
  deriveFluidModel(parsed);
  // The band and the load it is measured against (a parameter may change the sources' rate).
  const solve = (point: { param: string; value: number }[]) => {
    const spec = withParams(
      parsed.spec,
      point.filter((p) => p.param !== LOAD_PARAM),
    );
    const model = deriveFluidModel({ ...parsed, spec });
    return { ...fluidBand(model), base: model.baseLoad };
  };
  const skipped: string[] = [];
  const attempt = <T>(where: string, fn: () => T): T | null => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ScenarioError) && !(e instanceof SweepError)) throw e;
      skipped.push(`${where}: ${(e as Error).message}`);
      return null;
    }
  };
  const loadAxis = x.param === LOAD_PARAM ? "x" : y.param === LOAD_PARAM ? "y" : null;
  if (loadAxis !== null) {
    const other = loadAxis === "x" ? y : x;
    const bands: OverlayBand[] = [];
    for (const value of other.values) {
      const band = attempt(`${other.param}=${value}`, () => solve([{ param: other.param, value }]));
      if (band) {
        bands.push({
          value,
          low: band.low === null ? null : band.low / band.base,
          high: band.high === null ? null : band.high / band.base,
        });
      }
    }
    return { loadAxis, bands, cells: [], skipped };
  }
  const cells: OverlayCell[] = [];
  x.values.forEach((xv, ix) => {
    y.values.forEach((yv, iy) => {
      const point = [
        { param: x.param, value: xv },
        { param: y.param, value: yv },
      ];
      const band = attempt(`${x.param}=${xv}, ${y.param}=${yv}`, () => solve(point));
      if (!band) return;
      const state =
        band.low === null || band.base < band.low
          ? "healthy"
          : band.high !== null && band.base > band.high
            ? "stuck"
            : "bistable";
      cells.push({ ix, iy, state });
    });
  });
  return { loadAxis, bands: [], cells, skipped };
}
