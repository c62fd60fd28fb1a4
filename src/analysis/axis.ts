// The sweep's axes, apart from the sweep module (which hashes with node:crypto) so that the
// dashboard's in-page map can import them too.

/** One swept parameter: a path into the scenario (or `load`) and evenly spaced values. */
export interface Axis {
  param: string;
  from: number;
  to: number;
  steps: number;
}

/** `from`..`to` in `steps` evenly spaced values, rounded to 12 significant digits to drop float noise. */
export function axisValues(axis: Axis): number[] {
  if (axis.steps === 1) return [axis.from];
  return Array.from({ length: axis.steps }, (_, i) =>
    Number((axis.from + ((axis.to - axis.from) * i) / (axis.steps - 1)).toPrecision(12)),
  );
}
