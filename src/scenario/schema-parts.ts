import { z } from "zod";
import { DISTRIBUTION_SHAPES, type DistributionSpec } from "../engine/distributions.js";
import { describeValue } from "../engine/option-error.js";
import type { FieldShape, KindShapes } from "../engine/spec-shape.js";
import { PROFILE_SHAPES, type ProfileSpec } from "../model/load/profile.js";

// Structure and types only: ranges and cross-field rules live in the components themselves
// (one place per rule), and reach the user through the same file:line error path.

/** Any finite number (ranges are checked by the component that takes it). */
export const num = z.number();
/**
 * A finite number for a field no component reads, so the schema is its only check (zod's own
 * number check would call Infinity just "not a number").
 */
export const finite = z.custom<number>((v) => typeof v === "number" && Number.isFinite(v), {
  error: (issue) =>
    issue.input === undefined
      ? "missing required field (expected a finite number)"
      : `expected a finite number, got ${describeValue(issue.input)}`,
});
/** A reference to another component by name. */
export const ref = z.string().min(1);

/**
 * The file format of a `{ kind, ... }` spec family, read from its declaration: a union by kind,
 * each kind with exactly its fields. `self` is the family's own schema, for specs that hold specs.
 */
function specSchema(shapes: KindShapes, self?: () => z.ZodType): z.ZodType {
  const field = (f: FieldShape): z.ZodType => {
    switch (f) {
      case "number":
        return num;
      case "number?":
        return num.optional();
      case "string?":
        return z.string().min(1).optional();
      case "self":
        return self!();
      case "self[]":
        return z.array(self!());
      default: {
        const items = z.array(
          z.object(Object.fromEntries(Object.keys(f.list).map((k) => [k, num]))).strict(),
        );
        return f.optional ? items.optional() : items;
      }
    }
  };
  const variants = Object.entries(shapes).map(([kind, fields]) =>
    z
      .object({
        kind: z.literal(kind),
        ...Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, field(f)])),
      })
      .strict(),
  );
  return z.discriminatedUnion("kind", variants as unknown as [z.ZodObject, ...z.ZodObject[]]);
}

/** A probability distribution of a duration or count. */
export const distributionSchema = specSchema(DISTRIBUTION_SHAPES) as z.ZodType<DistributionSpec>;

/** A load profile: requests per second over time. */
export const profileSchema: z.ZodType<ProfileSpec> = z.lazy(
  () => specSchema(PROFILE_SHAPES, () => profileSchema) as z.ZodType<ProfileSpec>,
);
