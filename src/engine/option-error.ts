/**
 * A component or distribution refused one of its options. `path` names the option relative to
 * the thing that refused it (for example `["serviceTime", "mean"]`), so the scenario loader can
 * point at the exact field and line of the file it came from.
 */
export class OptionError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
    this.name = "OptionError";
  }

  /** The same error with `prefix` put in front of its path. */
  under(prefix: readonly (string | number)[]): OptionError {
    return new OptionError([...prefix, ...this.path], this.message);
  }
}

/** Throws an OptionError for `name` unless `value` is a finite number within [min, max]. */
export function checkNumber(
  name: string,
  value: unknown,
  {
    min = Number.NEGATIVE_INFINITY,
    max = Number.POSITIVE_INFINITY,
    integer = false,
    exclusiveMin = false,
  } = {},
): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? "an integer" : "a number";
    const lo = Number.isFinite(min) ? `${exclusiveMin ? ">" : ">="} ${min}` : "";
    const hi = Number.isFinite(max) ? `<= ${max}` : "";
    const range = [lo, hi].filter(Boolean).join(" and ");
    throw new OptionError([name], `expected ${kind}${range ? ` ${range}` : ""}, got ${describeValue(value)}`);
  }
  return value as number;
}

/** Runs `fn`, putting `prefix` in front of the path of any OptionError it throws. */
export function within<T>(prefix: (string | number)[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof OptionError ? e.under(prefix) : e;
  }
}

/** Throws an OptionError for `name` unless `value` is a boolean. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean")
    throw new OptionError([name], `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** A value as an error message shows it: NaN and Infinity by name, strings quoted, long text cut. */
export function describeValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
