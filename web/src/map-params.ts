import { LOAD_PARAM } from "../../src/analysis/param-path.js";

// The phase map's axes are picked from the scenario's own numbers: every numeric field set in the
// file (what `metastable map` can sweep), plus `load`, which scales every source.

/** A parameter the map can sweep: its path (as `metastable map --x` takes it) and its value now. */
export interface MapParam {
  path: string;
  value: number;
}

// Top-level fields that are not part of the system: sweeping them maps nothing about it.
const NOT_SWEPT = new Set(["seed", "layout", "limits", "probeInterval", "window"]);

/** Every numeric field of `spec` in file order, `load` first. */
export function mapParams(spec: Record<string, unknown> | null): MapParam[] {
  const out: MapParam[] = [{ path: LOAD_PARAM, value: 1 }];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node === "number" && Number.isFinite(node)) out.push({ path: path.join("."), value: node });
    else if (Array.isArray(node)) for (const [i, v] of node.entries()) walk(v, [...path, String(i)]);
    else if (node !== null && typeof node === "object")
      for (const [k, v] of Object.entries(node))
        if (path.length > 0 || !NOT_SWEPT.has(k)) walk(v, [...path, k]);
  };
  walk(spec ?? {}, []);
  return out;
}

/** A default range around a parameter's value: half to twice it (0.5x to 1.5x for `load`). */
export function defaultRange(p: MapParam): { from: number; to: number } {
  if (p.path === LOAD_PARAM) return { from: 0.5, to: 1.5 };
  if (p.value === 0) return { from: 0, to: 1 };
  // Counts (workers, attempts) stay whole numbers.
  if (Number.isInteger(p.value) && p.value > 0)
    return { from: Math.max(1, Math.round(p.value / 2)), to: p.value * 2 };
  const [a, b] = [p.value / 2, p.value * 2].sort((x, y) => x - y) as [number, number];
  return { from: Number(a.toPrecision(3)), to: Number(b.toPrecision(3)) };
}
