import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import { type KindShapes, kindsOfShapes, type SpecOf } from "../../engine/spec-shape.js";

/**
 * A linear piece of a rate function: from `start` (inclusive) to `end` (exclusive) the rate goes
 * linearly from `rateStart` to `rateEnd` requests per second. The last piece ends at Infinity.
 */
export interface RateSegment {
  start: number;
  end: number;
  rateStart: number;
  rateEnd: number;
}

/**
 * Every kind of load profile and its fields, declared once: the kinds list, the spec type and the
 * scenario loader's schema come from it. Rates are requests per second, times seconds.
 */
export const PROFILE_SHAPES = {
  /** The same rate for ever. */
  constant: { rate: "number" },
  /** Rate `steps[i].rate` from `steps[i].at` until the next step; 0 before the first. */
  steps: { steps: { list: { at: "number", rate: "number" } } },
  /** `from` until `start`, linearly to `to` at `end`, then `to`. */
  ramp: { from: "number", to: "number", start: "number", end: "number" },
  /** `rate` during [at, at + duration), 0 elsewhere: add it to a base profile with `sum`. */
  spike: { at: "number", duration: "number", rate: "number" },
  /** The pointwise sum of several profiles. */
  sum: { of: "self[]" },
  /** Profile `of`, never above `max` (the verdict's control run holds a profile at its base load this way). */
  capped: { of: "self", max: "number" },
  /** Profile `from` before time `at`, profile `to` (in the same absolute time) from `at` on. */
  switch: { at: "number", from: "self", to: "self" },
  /**
   * Recorded traffic: the rate goes linearly from one point to the next, holds the last rate
   * after the last point, and is 0 before the first. `file` names a CSV of (time, rate) rows that
   * the command line reads into `points` (see docs/scenario-format.md); `scale` multiplies every
   * rate (default 1).
   */
  trace: {
    file: "string?",
    points: { list: { at: "number", rate: "number" }, optional: true },
    scale: "number?",
  },
} as const satisfies KindShapes;

// A profile holds profiles (`sum`, `capped`, `switch`): the union names itself through this.
interface ProfileFamily {
  self: ProfileSpec;
}

/** Offered load as a function of time, in requests per second (see PROFILE_SHAPES). */
export type ProfileSpec = SpecOf<typeof PROFILE_SHAPES, ProfileFamily>;

/** One recorded rate of a trace: `rate` requests/s at time `at` (seconds). */
export type TracePoint = NonNullable<Extract<ProfileSpec, { kind: "trace" }>["points"]>[number];

/** Names of the profile kinds, for error messages and editors. */
export const PROFILE_KINDS = kindsOfShapes(PROFILE_SHAPES);

/**
 * A load profile compiled to a piecewise-linear rate function, so that the load it offers
 * between two times can be integrated and inverted exactly (no time stepping).
 */
export class LoadProfile {
  /** Pieces covering [0, Infinity), in order, with no zero-length piece. */
  readonly segments: readonly RateSegment[];

  constructor(
    readonly spec: ProfileSpec,
    segments: RateSegment[],
  ) {
    this.segments = segments;
  }

  /** Rate (requests/s) at time t >= 0. */
  rate(t: number): number {
    const s = this.segments[this.segmentAt(t)]!;
    if (s.end === Number.POSITIVE_INFINITY || s.rateStart === s.rateEnd) return s.rateStart;
    return s.rateStart + ((s.rateEnd - s.rateStart) * (t - s.start)) / (s.end - s.start);
  }

  /** Expected number of arrivals in [a, b). */
  integral(a: number, b: number): number {
    let total = 0;
    for (const s of this.segments) {
      const lo = Math.max(a, s.start);
      const hi = Math.min(b, s.end);
      if (hi > lo) total += ((this.rate(lo) + this.rateBefore(hi, s)) / 2) * (hi - lo);
    }
    return total;
  }

  /**
   * The time u > t at which the integral of the rate from t reaches `mass`; Infinity if the
   * profile never offers that much more load.
   */
  advance(t: number, mass: number): number {
    let remaining = mass;
    for (let i = this.segmentAt(t); i < this.segments.length; i++) {
      const s = this.segments[i]!;
      const from = Math.max(t, s.start);
      const r0 = this.rate(from);
      if (s.end === Number.POSITIVE_INFINITY)
        return r0 > 0 ? from + remaining / r0 : Number.POSITIVE_INFINITY;
      const r1 = this.rateBefore(s.end, s);
      const area = ((r0 + r1) / 2) * (s.end - from);
      if (area >= remaining && area > 0) {
        const slope = (s.rateEnd - s.rateStart) / (s.end - s.start);
        // Solve r0*x + slope*x^2/2 = remaining for the smallest x >= 0.
        if (Math.abs(slope) < 1e-12) return from + remaining / r0;
        const disc = r0 * r0 + 2 * slope * remaining;
        const x = (Math.sqrt(Math.max(0, disc)) - r0) / slope;
        return Math.min(s.end, from + x);
      }
      remaining -= area;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Times in [0, until) where the rate function changes shape: the phase boundaries. */
  breakpoints(until: number): number[] {
    const points = this.segments.map((s) => s.start).filter((t) => t < until);
    return points.length > 0 && points[0] === 0 ? points : [0, ...points];
  }

  /** Limit of the rate as time approaches t from the left (differs from `rate` at a jump). */
  rateJustBefore(t: number): number {
    const i = this.segmentAt(t);
    const s = this.segments[i]!.start === t && i > 0 ? this.segments[i - 1]! : this.segments[i]!;
    return this.rateBefore(t, s);
  }

  private rateBefore(t: number, s: RateSegment): number {
    if (s.rateStart === s.rateEnd) return s.rateStart;
    return s.rateStart + ((s.rateEnd - s.rateStart) * (t - s.start)) / (s.end - s.start);
  }

  private segmentAt(t: number): number {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.start <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

const INF = Number.POSITIVE_INFINITY;

/**
 * Highest rate a profile field takes, in requests per second. A run at a million a second already
 * needs millions of events per simulated second; far above it the model runs out of memory
 * before any event budget stops it.
 */
export const MAX_RATE = 1e6;

function rateOf(name: string, value: unknown): number {
  return checkNumber(name, value, { min: 0, max: MAX_RATE });
}

function timeOf(name: string, value: unknown): number {
  return checkNumber(name, value, { min: 0 });
}

function compile(spec: ProfileSpec): RateSegment[] {
  switch (spec.kind) {
    case "constant":
      return [{ start: 0, end: INF, rateStart: rateOf("rate", spec.rate), rateEnd: spec.rate }];
    case "steps": {
      if (!Array.isArray(spec.steps) || spec.steps.length === 0) {
        throw new OptionError(["steps"], "expected at least one step { at, rate }");
      }
      const segs: RateSegment[] = [];
      let prev = 0;
      spec.steps.forEach((step, i) => {
        const at = within(["steps", i], () => timeOf("at", step.at));
        const rate = within(["steps", i], () => rateOf("rate", step.rate));
        if (i > 0 && at <= prev) {
          throw new OptionError(
            ["steps", i, "at"],
            `expected steps in increasing time order: ${at} is not after ${prev}`,
          );
        }
        if (i === 0 && at > 0) segs.push({ start: 0, end: at, rateStart: 0, rateEnd: 0 });
        if (segs.length > 0) segs[segs.length - 1]!.end = at;
        segs.push({ start: at, end: INF, rateStart: rate, rateEnd: rate });
        prev = at;
      });
      return segs;
    }
    case "ramp": {
      const from = rateOf("from", spec.from);
      const to = rateOf("to", spec.to);
      const start = timeOf("start", spec.start);
      const end = timeOf("end", spec.end);
      if (end <= start) throw new OptionError(["end"], `expected end > start (${start}), got ${end}`);
      const segs: RateSegment[] = [];
      if (start > 0) segs.push({ start: 0, end: start, rateStart: from, rateEnd: from });
      segs.push({ start, end, rateStart: from, rateEnd: to });
      segs.push({ start: end, end: INF, rateStart: to, rateEnd: to });
      return segs;
    }
    case "spike": {
      const at = timeOf("at", spec.at);
      const duration = checkNumber("duration", spec.duration, { min: 0, exclusiveMin: true });
      const rate = rateOf("rate", spec.rate);
      const segs: RateSegment[] = [];
      if (at > 0) segs.push({ start: 0, end: at, rateStart: 0, rateEnd: 0 });
      segs.push({ start: at, end: at + duration, rateStart: rate, rateEnd: rate });
      segs.push({ start: at + duration, end: INF, rateStart: 0, rateEnd: 0 });
      return segs;
    }
    case "sum": {
      if (!Array.isArray(spec.of) || spec.of.length === 0) {
        throw new OptionError(["of"], "expected a list of at least one profile");
      }
      const parts = spec.of.map((p, i) => within(["of", i], () => new LoadProfile(p, compile(p))));
      const cuts = [...new Set(parts.flatMap((p) => p.segments.map((s) => s.start)))].sort((a, b) => a - b);
      return cuts.map((start, i) => {
        const end = cuts[i + 1] ?? INF;
        const rateStart = parts.reduce((sum, p) => sum + p.rate(start), 0);
        const rateEnd = end === INF ? rateStart : parts.reduce((sum, p) => sum + p.rateJustBefore(end), 0);
        return { start, end, rateStart, rateEnd };
      });
    }
    case "capped": {
      const max = rateOf("max", spec.max);
      const inner = within(["of"], () => compile(spec.of));
      const out: RateSegment[] = [];
      for (const seg of inner) {
        const a = seg.rateStart;
        const b = seg.end === INF ? a : seg.rateEnd;
        // A piece that crosses the cap is cut where it crosses, so the capped rate stays exact.
        if ((a - max) * (b - max) < 0 && seg.end !== INF) {
          const cross = seg.start + ((max - a) / (b - a)) * (seg.end - seg.start);
          out.push({
            start: seg.start,
            end: cross,
            rateStart: Math.min(a, max),
            rateEnd: Math.min(max, max),
          });
          out.push({ start: cross, end: seg.end, rateStart: max, rateEnd: Math.min(b, max) });
        } else {
          out.push({
            start: seg.start,
            end: seg.end,
            rateStart: Math.min(a, max),
            rateEnd: Math.min(seg.rateEnd, max),
          });
        }
      }
      return out;
    }
    case "switch": {
      const at = timeOf("at", spec.at);
      const before = within(["from"], () => new LoadProfile(spec.from, compile(spec.from)));
      const after = within(["to"], () => new LoadProfile(spec.to, compile(spec.to)));
      const cut = (p: LoadProfile, lo: number, hi: number): RateSegment[] =>
        p.segments
          .filter((seg) => seg.end > lo && seg.start < hi)
          .map((seg) => {
            const start = Math.max(seg.start, lo);
            const end = Math.min(seg.end, hi);
            return {
              start,
              end,
              rateStart: p.rate(start),
              rateEnd: end === INF ? p.rate(start) : p.rateJustBefore(end),
            };
          });
      return at > 0 ? [...cut(before, 0, at), ...cut(after, at, INF)] : cut(after, 0, INF);
    }
    case "trace":
      return traceSegments(spec);
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${PROFILE_KINDS.join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}

function traceSegments(spec: Extract<ProfileSpec, { kind: "trace" }>): RateSegment[] {
  const points = spec.points;
  if (points === undefined)
    throw new OptionError(
      ["file"],
      spec.file === undefined
        ? "expected `file` (a CSV of time, rate) or `points` ({ at, rate } list)"
        : `the trace file ${JSON.stringify(spec.file)} has not been read: only the command line reads trace files; give \`points\` here instead`,
    );
  if (!Array.isArray(points) || points.length === 0)
    throw new OptionError(["points"], "expected at least one point { at, rate }");
  const scale = spec.scale === undefined ? 1 : checkNumber("scale", spec.scale, { min: 0 });
  const read = points.map((p, i) =>
    within(["points", i], () => ({ at: timeOf("at", p.at), rate: rateOf("rate", p.rate) * scale })),
  );
  const segs: RateSegment[] = [];
  if (read[0]!.at > 0) segs.push({ start: 0, end: read[0]!.at, rateStart: 0, rateEnd: 0 });
  read.forEach((p, i) => {
    const next = read[i + 1];
    if (next && next.at <= p.at)
      throw new OptionError(
        ["points", i + 1, "at"],
        `expected points in increasing time order: ${next.at} is not after ${p.at}`,
      );
    segs.push(
      next
        ? { start: p.at, end: next.at, rateStart: p.rate, rateEnd: next.rate }
        : { start: p.at, end: INF, rateStart: p.rate, rateEnd: p.rate },
    );
  });
  return segs;
}

/** Merges neighbouring pieces that continue each other, so each piece is one phase. */
function simplify(segs: RateSegment[]): RateSegment[] {
  const out: RateSegment[] = [];
  for (const s of segs) {
    if (s.end <= s.start) continue;
    const last = out[out.length - 1];
    const flat = s.rateStart === s.rateEnd;
    if (last && flat && last.rateStart === last.rateEnd && last.rateEnd === s.rateStart) {
      last.end = s.end;
    } else {
      out.push({ ...s });
    }
  }
  return out;
}

/** Validates a profile spec and compiles it; throws OptionError naming the bad field. */
export function createProfile(spec: ProfileSpec): LoadProfile {
  return new LoadProfile(spec, simplify(compile(spec)));
}
