import { z } from "zod";
import {
  type FileInput,
  type FileValueOf,
  kindsOf,
  type OptionDecl,
  type OptionSet,
  type PolicyFamily,
  type PolicySpec,
  type ValueOption,
} from "../model/options.js";
import { CALL_OPTIONS } from "../model/service-steps.js";
import { distributionSchema, num, profileSchema, ref } from "./schema-parts.js";

// The file format of an option set, derived from its declaration (src/model/options.ts). Zod checks
// structure and types; ranges are checked by the component (one place per rule, with the same
// file:line errors), and reach the JSON Schema as metadata so editors know them too.

const FORMATS: Record<ValueOption["format"], (d: ValueOption) => z.ZodType> = {
  distribution: () => distributionSchema,
  profile: () => profileSchema,
  // A list of `{ kind }` items of the option's family (a service's steps).
  steps: (d) => z.array(policySchema(d.family!)),
  calls: () => z.array(optionSchema(CALL_OPTIONS)),
};

/** JSON Schema annotations of a declaration: its doc, its default and a number's range. */
function meta(d: OptionDecl): Record<string, unknown> {
  const m: Record<string, unknown> = { description: d.doc };
  const dflt = d.default;
  if (dflt !== undefined && (typeof dflt !== "number" || Number.isFinite(dflt))) m.default = dflt;
  if (d.type === "number") {
    if (d.min !== undefined) m[d.exclusiveMin ? "exclusiveMinimum" : "minimum"] = d.min;
    if (d.max !== undefined) m.maximum = d.max;
  }
  return m;
}

function fieldSchema(d: OptionDecl): z.ZodType {
  switch (d.type) {
    case "number":
      return num;
    case "boolean":
      return z.boolean();
    case "choice":
      return z.enum(d.values as [string, ...string[]]);
    case "group":
      return optionSchema(d.options);
    case "policy":
      return policySchema(d.family);
    case "value":
      return FORMATS[d.format](d);
    case "reference":
      return d.list ? z.array(ref) : ref;
  }
}

/** The file format of one option. */
export function declSchema(d: OptionDecl): z.ZodType {
  const s = fieldSchema(d).meta(meta(d));
  return d.required ? s : s.optional();
}

/** The zod field of each option, typed as the file holds it. */
export type OptionShape<S extends OptionSet> = {
  [K in keyof S]: S[K] extends { required: true }
    ? z.ZodType<FileValueOf<S[K]>, FileValueOf<S[K]>>
    : z.ZodOptional<z.ZodType<FileValueOf<S[K]>, FileValueOf<S[K]>>>;
};

/** The fields of an options object in the file, for a schema that adds fields of its own. */
export function optionShape<S extends OptionSet>(set: S): OptionShape<S> {
  return Object.fromEntries(Object.entries(set).map(([k, d]) => [k, declSchema(d)])) as OptionShape<S>;
}

/** The file format of an options object: its declared fields, nothing else. */
export function optionSchema<S extends OptionSet>(set: S): z.ZodType<FileInput<S>> {
  return z.object(optionShape(set)).strict() as unknown as z.ZodType<FileInput<S>>;
}

const families = new Map<PolicyFamily, z.ZodType>();

/** The file format of a policy: `{ kind, ...that kind's options }`; a discriminated union names the kinds in its errors. */
export function policySchema<F extends PolicyFamily>(family: F): z.ZodType<PolicySpec<F>> {
  let s = families.get(family);
  if (!s) {
    const variants = kindsOf(family).map((kind) => {
      const v = family.variants[kind]!;
      return z
        .object({
          kind: z.literal(kind).meta({ description: v.doc }),
          ...optionShape(v.options),
        })
        .strict();
    });
    s = z.discriminatedUnion("kind", variants as unknown as [z.ZodObject, ...z.ZodObject[]]);
    families.set(family, s);
  }
  return s as z.ZodType<PolicySpec<F>>;
}
