import { z } from "zod";
import { describeValue } from "../engine/option-error.js";
import type { ProfileSpec } from "../model/load/profile.js";

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

/** A probability distribution of a duration or count. */
export const distributionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("constant"), value: num }).strict(),
  z.object({ kind: z.literal("uniform"), min: num, max: num }).strict(),
  z.object({ kind: z.literal("exponential"), mean: num }).strict(),
  z
    .object({ kind: z.literal("normal"), mean: num, stddev: num, min: num.optional(), max: num.optional() })
    .strict(),
  z.object({ kind: z.literal("lognormal"), mean: num, stddev: num }).strict(),
  z.object({ kind: z.literal("pareto"), scale: num, shape: num }).strict(),
  z.object({ kind: z.literal("weibull"), scale: num, shape: num }).strict(),
  z.object({ kind: z.literal("zipf"), n: num, exponent: num }).strict(),
  z
    .object({
      kind: z.literal("empirical"),
      percentiles: z.array(z.object({ p: num, value: num }).strict()),
    })
    .strict(),
]);

/** A load profile: requests per second over time. */
export const profileSchema: z.ZodType<ProfileSpec> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("constant"), rate: num }).strict(),
    z
      .object({ kind: z.literal("steps"), steps: z.array(z.object({ at: num, rate: num }).strict()) })
      .strict(),
    z.object({ kind: z.literal("ramp"), from: num, to: num, start: num, end: num }).strict(),
    z.object({ kind: z.literal("spike"), at: num, duration: num, rate: num }).strict(),
    z.object({ kind: z.literal("sum"), of: z.array(profileSchema) }).strict(),
    z.object({ kind: z.literal("capped"), of: profileSchema, max: num }).strict(),
    z.object({ kind: z.literal("switch"), at: num, from: profileSchema, to: profileSchema }).strict(),
    z
      .object({
        kind: z.literal("trace"),
        file: z.string().min(1).optional(),
        points: z.array(z.object({ at: num, rate: num }).strict()).optional(),
        scale: num.optional(),
      })
      .strict(),
  ]),
);
