import { COMPONENT_TYPES } from "../scenario/registry.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { scaleLoad } from "./scale-load.js";

/** A sweep or merge request that cannot be acted on (bad parameter, range, shard or partial file). */
export class SweepError extends Error {
  override name = "SweepError";
}

/** The alias for "every source's load times this factor" (see scaleLoad). */
export const LOAD_PARAM = "load";

/** Splits `clients.api.timeout` or `triggers.0.duration` into keys; all-digit segments index arrays. */
export function parseParamPath(path: string): (string | number)[] {
  if (path.trim() === "") throw new SweepError("the parameter path is empty");
  return path.split(".").map((part) => {
    if (part === "") throw new SweepError(`parameter path "${path}" has an empty segment`);
    return /^\d+$/.test(part) ? Number(part) : part;
  });
}

function keysOf(node: unknown): string {
  if (Array.isArray(node))
    return node.length === 0 ? "none (an empty list)" : `indices 0..${node.length - 1}`;
  if (node !== null && typeof node === "object") {
    const keys = Object.keys(node);
    return keys.length > 0 ? keys.join(", ") : "none";
  }
  return "none (it is a value, not a section)";
}

/**
 * Reads the number at `path` in the spec, or throws a SweepError that names the path, where it
 * stopped and which keys exist there. Only fields present in the scenario file can be swept: a
 * default is not in the spec, and an absent key could be a typo.
 */
export function readParam(spec: ScenarioSpec, path: string): number {
  if (path === LOAD_PARAM) return 1;
  const node = readAt(spec, path);
  if (typeof node !== "number")
    throw new SweepError(
      `parameter "${path}" is not a number (it is ${Array.isArray(node) ? "a list" : node === null ? "null" : typeof node === "object" ? `a section with keys ${keysOf(node)}` : `${typeof node} ${JSON.stringify(node)}`})`,
    );
  return node;
}

/** The value at `path` in the spec, whatever it is; throws as readParam does when the path does not exist. */
export function readAt(spec: ScenarioSpec, path: string): unknown {
  const keys = parseParamPath(path);
  let node: unknown = spec;
  for (const [i, key] of keys.entries()) {
    const at = keys.slice(0, i).join(".") || "the scenario's top level";
    const has =
      node !== null &&
      typeof node === "object" &&
      (Array.isArray(node) ? typeof key === "number" && key < node.length : Object.hasOwn(node, String(key)));
    if (!has) {
      const c = i === 2 ? componentAt(spec, keys[0], keys[1]) : null;
      const more = c ? Object.keys(c.shape).filter((k) => !Object.hasOwn(c.entry, k)) : [];
      const options = more.length > 0 ? `; options a ${c!.type.type} also takes: ${more.join(", ")}` : "";
      throw new SweepError(
        `unknown parameter "${path}": ${at} has no "${key}"; keys there: ${keysOf(node)}${options} (fields written in the scenario file and a component's own options can be set or swept)`,
      );
    }
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** The component type and entry behind `section.name`, when that is a component of the spec. */
function componentAt(spec: ScenarioSpec, section: unknown, name: unknown) {
  const type = COMPONENT_TYPES.find((t) => t.section === section);
  const entry = (spec as Record<string, Record<string, unknown> | undefined>)[String(section)]?.[
    String(name)
  ];
  const shape = (type?.schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return type && shape && entry !== null && typeof entry === "object" ? { type, entry, shape } : null;
}

/**
 * Whether `path` is an option its component declares but the file leaves at its default, e.g.
 * `servers.api.dropExpired` on a server that does not write it: a what-if may set it. Only a
 * component's own options (section.name.option), so a typo is still refused with the keys that
 * exist; a value of the wrong kind for the option is refused naming it.
 */
function isDeclaredOption(spec: ScenarioSpec, path: string, value: number | boolean): boolean {
  const keys = parseParamPath(path);
  if (keys.length !== 3) return false;
  const c = componentAt(spec, keys[0], keys[1]);
  const option = String(keys[2]);
  if (!c || !(option in c.shape) || Object.hasOwn(c.entry, option)) return false;
  if (!c.type.schema.safeParse({ ...c.entry, [option]: value }).success)
    throw new SweepError(
      `parameter "${path}": the ${c.type.type} option ${option} does not take ${typeof value === "boolean" ? "true/false" : "a number"}, got ${JSON.stringify(value)}`,
    );
  return true;
}

/** Checks that `value` may be set at `path`: a number written in the file, or a declared option left at its default. */
function checkSettable(spec: ScenarioSpec, path: string, value: number): void {
  if (!isDeclaredOption(spec, path, value)) readParam(spec, path);
}

function setAt(node: unknown, keys: (string | number)[], value: number | boolean): unknown {
  if (keys.length === 0) return value;
  const [key, ...rest] = keys;
  if (Array.isArray(node)) {
    const copy = [...node];
    copy[key as number] = setAt(node[key as number], rest, value);
    return copy;
  }
  const obj = node as Record<string, unknown>;
  return { ...obj, [key!]: setAt(obj[String(key)], rest, value) };
}

/**
 * The spec with the parameter at `path` set to `value`, copying only the objects on the path (the
 * input is never modified). `load` scales every source's load by `value` instead.
 */
export function withParam(spec: ScenarioSpec, path: string, value: number): ScenarioSpec {
  if (path === LOAD_PARAM) return scaleLoad(spec, value);
  checkSettable(spec, path, value);
  return setAt(spec, parseParamPath(path), value) as ScenarioSpec;
}

/** The spec with the on/off switch at `path` set to `value` (a boolean in the file, or a declared one left out). */
export function withSwitch(spec: ScenarioSpec, path: string, value: boolean): ScenarioSpec {
  if (isDeclaredOption(spec, path, value)) return setAt(spec, parseParamPath(path), value) as ScenarioSpec;
  const now = readAt(spec, path);
  if (typeof now !== "boolean")
    throw new SweepError(`parameter "${path}" is not true/false (it is ${JSON.stringify(now)})`);
  return setAt(spec, parseParamPath(path), value) as ScenarioSpec;
}

/**
 * The spec at one point of a sweep. Path parameters are set first and `load` is applied last, so
 * a swept spike rate is scaled along with the rest of the profile.
 */
export function withParams(
  spec: ScenarioSpec,
  point: readonly { param: string; value: number }[],
): ScenarioSpec {
  const ordered = [
    ...point.filter((p) => p.param !== LOAD_PARAM),
    ...point.filter((p) => p.param === LOAD_PARAM),
  ];
  return ordered.reduce((s, p) => withParam(s, p.param, p.value), spec);
}
