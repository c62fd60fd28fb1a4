import { checkBoolean, checkNumber, describeValue, OptionError } from "../engine/option-error.js";

// One declaration per option: name (the key), type, default, range and doc. A component reads its
// options through `readOptions`, the scenario layer derives its zod schema and the JSON Schema from
// the same declaration, and the reference docs and the dashboard's forms print it. Ranges that
// depend on another option (a cap above a base) are checked by the component and said in the doc.

interface Common<T> {
  /** What the option does, in a sentence or two (no default: that is `default`). */
  readonly doc: string;
  /** The value used when the option is left out. */
  readonly default?: T;
  /** How the default reads in the docs when it is computed (`keys`) or needs a word of why. */
  readonly defaultText?: string;
  /** The option must be given. */
  readonly required?: boolean;
}

/** A number; `unbounded` lets Infinity through (an unbounded queue) whatever the range says. */
export interface NumberOption extends Common<number> {
  readonly type: "number";
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly unbounded?: boolean;
}

/** true or false. */
export interface BooleanOption extends Common<boolean> {
  readonly type: "boolean";
}

/** One of a few words (a mode, not a policy: policies are `{ kind }` objects). */
export interface ChoiceOption<V extends string = string> extends Common<V> {
  readonly type: "choice";
  readonly values: readonly V[];
}

/** A nested options object (a client's `retryBudget`). */
export interface GroupOption<S extends OptionSet = OptionSet> extends Common<OptionsInput<S>> {
  readonly type: "group";
  readonly options: S;
}

/** One variant of a policy: what it does and its own options. */
export interface PolicyVariant<S extends OptionSet = OptionSet> {
  readonly doc: string;
  readonly options: S;
}

/** A family of policies chosen by `kind` (backoff, queue discipline): one declaration of its kinds. */
export interface PolicyFamily<V extends Record<string, PolicyVariant> = Record<string, PolicyVariant>> {
  /** Name of the family in docs and errors, e.g. "backoff". */
  readonly name: string;
  readonly variants: V;
}

/** A `{ kind, ... }` policy of a family. */
export interface PolicyOption<F extends PolicyFamily = PolicyFamily> extends Common<PolicySpec<F>> {
  readonly type: "policy";
  readonly family: F;
}

/**
 * A value with its own format, checked where it is built (a distribution, a load profile): `name`
 * says which format, `T` is what the component gets and `F` what the file holds.
 */
export interface ValueOption<T = unknown, F = T> extends Common<T> {
  readonly type: "value";
  readonly format: "distribution" | "profile" | "steps" | "calls";
  /** For a list of `{ kind }` items (a service's steps): the kinds and their options. */
  readonly family?: PolicyFamily;
  /** Type-level only: the component's and the file's type. */
  readonly __types?: { value: T; file: F };
}

/** A field naming other components (a scenario-file field; the component gets the built ones). */
export interface ReferenceOption<L extends boolean = boolean> extends Common<never> {
  readonly type: "reference";
  readonly list: L;
  /**
   * What it may name: a role every type playing it accepts ("service": takes calls;
   * "requestSink": takes a source's requests) or one component type ("balancer").
   */
  readonly to: string;
}

/** Any option declaration. */
export type OptionDecl =
  | NumberOption
  | BooleanOption
  | ChoiceOption
  | GroupOption
  | PolicyOption
  | ValueOption
  | ReferenceOption;

/** The options of one component or policy, by name, in the order they are documented. */
export type OptionSet = { readonly [name: string]: OptionDecl };

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type IsRequired<O> = O extends { required: true } ? true : false;

/** The type of an option's value as a component takes it. */
export type ValueOf<O> = O extends NumberOption
  ? number
  : O extends BooleanOption
    ? boolean
    : O extends ChoiceOption<infer V>
      ? V
      : O extends GroupOption<infer S>
        ? OptionsInput<S>
        : O extends PolicyOption<infer F>
          ? PolicySpec<F>
          : O extends ValueOption<infer T, unknown>
            ? T
            : O extends ReferenceOption<infer L>
              ? L extends true
                ? string[]
                : string
              : never;

/** The options object a component takes: required options present, the rest optional. */
export type OptionsInput<S extends OptionSet> = Simplify<
  { -readonly [K in keyof S as IsRequired<S[K]> extends true ? K : never]: ValueOf<S[K]> } & {
    -readonly [K in keyof S as IsRequired<S[K]> extends true ? never : K]?: ValueOf<S[K]>;
  }
>;

/** An option's value as a scenario file holds it (a distribution's spec, not the distribution). */
export type FileValueOf<O> =
  O extends ValueOption<unknown, infer F> ? F : O extends GroupOption<infer S> ? FileInput<S> : ValueOf<O>;

/** An options object as a scenario file holds it. */
export type FileInput<S extends OptionSet> = Simplify<
  { -readonly [K in keyof S as IsRequired<S[K]> extends true ? K : never]: FileValueOf<S[K]> } & {
    -readonly [K in keyof S as IsRequired<S[K]> extends true ? never : K]?: FileValueOf<S[K]>;
  }
>;

/** The options with defaults filled: an option with a default or required is always there. */
export type OptionsRead<S extends OptionSet> = Simplify<{
  -readonly [K in keyof S]: S[K] extends { default: unknown } | { required: true }
    ? ValueOf<S[K]>
    : ValueOf<S[K]> | undefined;
}>;

/** A policy as written: `{ kind }` and that kind's options. */
export type PolicySpec<F extends PolicyFamily> = {
  [K in keyof F["variants"] & string]: Simplify<{ kind: K } & OptionsInput<F["variants"][K]["options"]>>;
}[keyof F["variants"] & string];

/** A policy (or a step) as a scenario file holds it: `{ kind }` and that kind's options as written. */
export type FilePolicySpec<F extends PolicyFamily> = {
  [K in keyof F["variants"] & string]: Simplify<{ kind: K } & FileInput<F["variants"][K]["options"]>>;
}[keyof F["variants"] & string];

/** The kinds of a policy family, in declaration order. */
export function kindsOf<F extends PolicyFamily>(family: F): (keyof F["variants"] & string)[] {
  return Object.keys(family.variants) as (keyof F["variants"] & string)[];
}

type Decl<O> = Omit<O, "type">;

/** Builders that keep each declaration's literal types (required, values, family) for `OptionsInput`. */
export const option = {
  number: <const D extends Decl<NumberOption>>(d: D) => ({ type: "number", ...d }) as const,
  integer: <const D extends Decl<NumberOption>>(d: D) => ({ type: "number", integer: true, ...d }) as const,
  boolean: <const D extends Decl<BooleanOption>>(d: D) => ({ type: "boolean", ...d }) as const,
  choice: <const V extends string, const D extends Decl<ChoiceOption<V>>>(d: D & { values: readonly V[] }) =>
    ({ type: "choice", ...d }) as const,
  group: <const S extends OptionSet, const D extends Omit<Decl<GroupOption<S>>, "options">>(
    options: S,
    d: D,
  ) => ({ type: "group", options, ...d }) as const,
  policy: <F extends PolicyFamily, const D extends Omit<Decl<PolicyOption<F>>, "family">>(family: F, d: D) =>
    ({ type: "policy", family, ...d }) as const,
  value:
    <T, F = T>() =>
    <const D extends Omit<Decl<ValueOption<T, F>>, "__types">>(d: D) =>
      ({ type: "value", ...d }) as D & { type: "value"; __types?: { value: T; file: F } },
  reference: <const D extends Omit<Decl<ReferenceOption<false>>, "list">>(d: D) =>
    ({ type: "reference", list: false, ...d }) as const,
  references: <const D extends Omit<Decl<ReferenceOption<true>>, "list">>(d: D) =>
    ({ type: "reference", list: true, ...d }) as const,
};

/** Declares a policy family; the variants' order is the order docs and errors list the kinds. */
export function policyFamily<const V extends Record<string, PolicyVariant>>(
  name: string,
  variants: V,
): PolicyFamily<V> {
  return { name, variants };
}

/** "a", "b" or "c", as errors list choices. */
export function listChoices(values: readonly string[]): string {
  const q = values.map((v) => JSON.stringify(v));
  return q.length <= 1 ? (q[0] ?? "") : `${q.slice(0, -1).join(", ")} or ${q.at(-1)}`;
}

/** Checks one option's value (the default when it is left out); the path names the option. */
function readOne(name: string, d: OptionDecl, given: unknown): unknown {
  const value = given === undefined ? d.default : given;
  if (value === undefined && !d.required) return undefined;
  if (value === undefined && d.type !== "number" && d.type !== "boolean")
    throw new OptionError([name], "missing required option");
  switch (d.type) {
    case "number":
      if (d.unbounded && value === Number.POSITIVE_INFINITY) return value;
      // The declaration carries the range under checkNumber's own names. (Copying it with
      // conditional spreads put every copy, and its boxed numbers, straight into V8's old space.)
      return checkNumber(name, value, d);
    case "boolean":
      return checkBoolean(name, value);
    case "choice":
      if (!d.values.includes(value as string))
        throw new OptionError([name], `expected ${listChoices(d.values)}, got ${describeValue(value)}`);
      return value;
    case "policy": {
      const kinds = kindsOf(d.family);
      if (value === null || typeof value !== "object")
        throw new OptionError([name], `expected { kind: ${kinds.join(" | ")} }, got ${describeValue(value)}`);
      const kind = (value as { kind?: unknown }).kind;
      if (typeof kind !== "string" || !kinds.includes(kind))
        throw new OptionError(
          [name, "kind"],
          `expected one of ${kinds.join(", ")}, got ${describeValue(kind)}`,
        );
      return value;
    }
    default:
      // Groups, values and references are built (and so checked) by the component that takes them.
      return value;
  }
}

/** Fills an options object's defaults and checks each option against its declared type and range. */
export function readOptions<S extends OptionSet>(set: S, given: OptionsInput<S> | object): OptionsRead<S> {
  const input = given as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(set)) out[name] = readOne(name, d, input[name]);
  return out as OptionsRead<S>;
}

/** A default as the docs show it: `{ kind: "fixed", delay: 0.1 }`, `"mru"`, `Infinity`. */
export function formatDefault(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value !== null && typeof value === "object") {
    const parts = Object.entries(value).map(([k, v]) => `${k}: ${formatDefault(v)}`);
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  return String(value);
}

/** The default of an option as the docs show it, or null when it has none. */
export function defaultText(d: OptionDecl): string | null {
  if (d.defaultText !== undefined)
    return d.default === undefined ? d.defaultText : `${formatDefault(d.default)} ${d.defaultText}`;
  return d.default === undefined ? null : formatDefault(d.default);
}

/** The range of a number option as the docs show it, e.g. `>= 1`, or "" when it has none. */
export function rangeText(d: OptionDecl): string {
  if (d.type !== "number") return "";
  const lo = d.min === undefined ? "" : `${d.exclusiveMin ? ">" : ">="} ${d.min}`;
  const hi = d.max === undefined ? "" : `<= ${d.max}`;
  return [lo, hi].filter(Boolean).join(" and ");
}

/** The type of an option as the docs show it. */
export function typeText(d: OptionDecl): string {
  switch (d.type) {
    case "number":
      return d.integer ? "integer" : "number";
    case "boolean":
      return "boolean";
    case "choice":
      return d.values.map((v) => JSON.stringify(v)).join(" | ");
    case "group":
      return "object";
    case "policy":
      return `${d.family.name} policy`;
    case "value":
      if (d.family) return `list of ${d.family.name}s (${kindsOf(d.family).join(", ")})`;
      return d.format === "calls" ? "list of calls" : d.format;
    case "reference":
      return d.list ? "component names" : "component name";
  }
}
