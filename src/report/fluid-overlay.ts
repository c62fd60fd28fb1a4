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

/**
 * The fluid section of `map --json` / map.json: the overlay, or why there is none (`note`; the
 * lists are then empty).
 */
export interface MapFluidSection extends MapFluidOverlay {
  note: string | null;
}

/** The overlay as map.json carries it. */
export function mapFluidSection(fluid: MapFluidOverlay | string): MapFluidSection {
  return typeof fluid === "string"
    ? { note: fluid, loadAxis: null, bands: [], cells: [], skipped: [] }
    : { note: null, ...fluid };
}

/** The fluid section as text lines under the map's tables. */
export function mapFluidText(fluid: MapFluidSection, x: Axis, y: Axis): string[] {
  if (fluid.note !== null) return [`Fluid model band: not drawn: ${fluid.note}.`];
  const out: string[] = [];
  const f = (v: number | null) => (v === null ? "–" : String(Number(v.toPrecision(3))));
  if (fluid.loadAxis !== null) {
    const other = fluid.loadAxis === "x" ? y : x;
    out.push(
      "Fluid model band (load as a factor of the scenario's; between low and high both a healthy and a stuck state exist):",
    );
    for (const b of fluid.bands) out.push(`  ${other.param} = ${f(b.value)}: ${f(b.low)} to ${f(b.high)}`);
  } else {
    const count = (state: OverlayCell["state"]) => fluid.cells.filter((c) => c.state === state).length;
    out.push(
      `Fluid model at the scenario's load: ${count("healthy")} cells below the band (healthy only), ${count("bistable")} in it (a trigger can leave them stuck), ${count("stuck")} above it (stuck only).`,
    );
  }
  for (const s of fluid.skipped) out.push(`  not solved: ${s}`);
  return out;
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
