import type { ParsedScenario } from "../scenario/parse.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { LOAD_PARAM, parseParamPath, SweepError, withParams, withSwitch } from "./param-path.js";

/**
 * One `--set PATH=VALUE`: a parameter path (as for map axes, or `load`) and the number to put
 * there, or true/false for a switch such as `servers.api.dropExpired`.
 */
export interface Override {
  param: string;
  value: number | boolean;
}

/** Parses `PATH=VALUE` (e.g. `clients.api.timeout=0.5`, `load=1.3`), naming `flag` in errors. */
export function parseOverride(text: string, flag = "--set"): Override {
  const m = /^([^=\s]+)=(.*)$/.exec(text.trim());
  if (!m) throw new SweepError(`${flag} must look like <param>=<value>, got "${text}"`);
  const [, param, valueText] = m;
  parseParamPath(param!);
  if (valueText === "true" || valueText === "false") {
    if (param === LOAD_PARAM) throw new SweepError(`${flag} load: the load factor must be a number`);
    return { param: param!, value: valueText === "true" };
  }
  const value = Number(valueText);
  if (valueText!.trim() === "" || !Number.isFinite(value))
    throw new SweepError(`${flag} ${param}: the value must be a number or true/false, got "${valueText}"`);
  if (param === LOAD_PARAM && !(value >= 0))
    throw new SweepError(`${flag} load: the load factor must be >= 0, got ${value}`);
  return { param: param!, value };
}

/** Parses every `--set` of a command line; the same path twice is refused (which one would win?). */
export function parseOverrides(texts: readonly string[] = [], flag = "--set"): Override[] {
  const overrides = texts.map((t) => parseOverride(t, flag));
  const seen = new Set<string>();
  for (const o of overrides) {
    if (seen.has(o.param)) throw new SweepError(`${flag} ${o.param} is given twice`);
    seen.add(o.param);
  }
  return overrides;
}

/**
 * The spec with the overrides applied (paths first, `load` last, as in a sweep). Every path is
 * checked against the file first, so a typo names the keys that exist instead of running the
 * unchanged scenario.
 */
export function applyOverrides(spec: ScenarioSpec, overrides: readonly Override[]): ScenarioSpec {
  const numbers: { param: string; value: number }[] = [];
  let out = spec;
  for (const o of overrides) {
    if (typeof o.value === "boolean") out = withSwitch(out, o.param, o.value);
    else numbers.push({ param: o.param, value: o.value });
  }
  return withParams(out, numbers);
}

/** The parsed scenario with the overrides applied; errors still point into the original file. */
export function withOverrides(parsed: ParsedScenario, overrides: readonly Override[]): ParsedScenario {
  return overrides.length === 0 ? parsed : { ...parsed, spec: applyOverrides(parsed.spec, overrides) };
}

/** `a=1, b=2`, for labels and reports; empty without overrides. */
export function describeOverrides(overrides: readonly Override[]): string {
  return overrides.map((o) => `${o.param}=${o.value}`).join(", ");
}
