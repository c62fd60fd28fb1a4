// A family of `{ kind, ... }` specs (distributions, load profiles) declared once: each kind with
// the type of each of its fields as a scenario file holds it. The kinds list, the TypeScript union
// and the loader's schema (src/scenario/schema-parts.ts) are all read from that one declaration.

/** A list field whose items are records of numbers (`{ at, rate }`); `optional` may be left out. */
export interface ListShape {
  readonly list: { readonly [field: string]: "number" };
  readonly optional?: true;
}

/**
 * The type of one field: a number or a (non-empty) string, `?` when it may be left out; a spec of
 * the same family (`self`, a profile inside a profile) or a list of them; or a list of records.
 */
export type FieldShape = "number" | "number?" | "string?" | "self" | "self[]" | ListShape;

/** The fields of each kind of a family, by kind, in the order errors and docs list the kinds. */
export type KindShapes = { readonly [kind: string]: { readonly [field: string]: FieldShape } };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

// `Self` carries the family's own union in a property, which lets a recursive union be declared
// through an interface (a type alias cannot name itself as a type argument).
type FieldValue<F, Self extends { self: unknown }> = F extends "number" | "number?"
  ? number
  : F extends "string?"
    ? string
    : F extends "self"
      ? Self["self"]
      : F extends "self[]"
        ? Self["self"][]
        : F extends ListShape
          ? { -readonly [K in keyof F["list"]]: number }[]
          : never;

type IsOptional<F> = F extends `${string}?` ? true : F extends { optional: true } ? true : false;

/** One kind's spec: `{ kind }` and its fields, those marked optional left optional. */
type KindSpec<D extends KindShapes, K extends keyof D & string, Self extends { self: unknown }> = Simplify<
  { kind: K } & {
    -readonly [F in keyof D[K] as IsOptional<D[K][F]> extends true ? never : F]: FieldValue<D[K][F], Self>;
  } & {
    -readonly [F in keyof D[K] as IsOptional<D[K][F]> extends true ? F : never]?: FieldValue<D[K][F], Self>;
  }
>;

/**
 * The union of a family's specs. A family whose kinds hold specs of their own kind passes
 * `{ self: TheUnion }` through an interface: `interface P { self: ProfileSpec }`.
 */
export type SpecOf<D extends KindShapes, Self extends { self: unknown } = { self: never }> = {
  [K in keyof D & string]: KindSpec<D, K, Self>;
}[keyof D & string];

/** The kinds of a family, in declaration order. */
export function kindsOfShapes<const D extends KindShapes>(shapes: D): readonly (keyof D & string)[] {
  return Object.keys(shapes) as (keyof D & string)[];
}
