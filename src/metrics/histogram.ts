/** Settings of a {@link Histogram}; two histograms can be merged only if these are identical. */
export interface HistogramOptions {
  /** Worst-case relative error of a quantile, in (0, 1). Default 0.005 (0.5%). */
  relativeAccuracy?: number;
  /** Smallest distinguishable positive value; smaller values, incl. 0, share a zero bucket. Default 1e-6 (1 µs). */
  minValue?: number;
  /** Largest value with its own bucket; larger ones clamp into the top bucket (max() stays exact). Default 1e6. */
  maxValue?: number;
}

/** One bucket or bin of a histogram chart: `count` values in [lower, upper). */
export interface HistogramBin {
  lower: number;
  upper: number;
  count: number;
}

/** Plain-data form of a {@link Histogram}, small enough to post between workers. */
export interface HistogramJSON extends Required<HistogramOptions> {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  /** Non-empty buckets as [slot, count]; slot 0 is the zero bucket. Sparse because most buckets are empty. */
  counts: [number, number][];
}

/**
 * Streaming histogram of non-negative values (durations) with bounded memory and relative-error
 * quantiles, after DDSketch: bucket k holds (γ^(k-1), γ^k] with γ = (1+a)/(1-a), so the bucket's
 * representative 2γ^k/(γ+1) is within a of anything in it. All buckets are preallocated so record()
 * never allocates, and merging is an exact element-wise sum of counts, hence order-independent.
 */
export class Histogram {
  readonly relativeAccuracy: number;
  readonly minValue: number;
  readonly maxValue: number;
  private readonly gamma: number;
  private readonly lnGamma: number;
  private readonly invLnGamma: number;
  /** Bucket key minus slot; slot 0 is the zero bucket, slot 1 the bucket holding minValue. */
  private readonly offset: number;
  private readonly last: number;
  // Float64 rather than Uint32: counts stay exact to 2^53 and cannot wrap on long runs.
  private readonly counts: Float64Array;
  private n = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  constructor(options: HistogramOptions = {}) {
    const a = options.relativeAccuracy ?? 0.005;
    const minValue = options.minValue ?? 1e-6;
    const maxValue = options.maxValue ?? 1e6;
    if (!(a > 0 && a < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${a}`);
    if (!(minValue > 0 && maxValue > minValue && maxValue < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`need 0 < minValue < maxValue < Infinity, got ${minValue}, ${maxValue}`);
    }
    this.relativeAccuracy = a;
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.gamma = (1 + a) / (1 - a);
    this.lnGamma = Math.log(this.gamma);
    this.invLnGamma = 1 / this.lnGamma;
    const minKey = Math.ceil(Math.log(minValue) * this.invLnGamma);
    const maxKey = Math.ceil(Math.log(maxValue) * this.invLnGamma);
    if (maxKey - minKey > 1 << 22)
      throw new RangeError("too many buckets: raise relativeAccuracy or narrow the range");
    this.offset = minKey - 1;
    this.last = maxKey - this.offset;
    this.counts = new Float64Array(this.last + 1);
  }

  /** Adds one value. Throws on NaN, negative or infinite input, which would signal a bug in the caller's clock. */
  record(value: number): void {
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) throw new RangeError(`cannot record ${value}`);
    this.n++;
    this.total += value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    let slot = 0;
    if (value >= this.minValue) {
      slot = Math.ceil(Math.log(value) * this.invLnGamma) - this.offset;
      // Clamp: rounding in log() can land one slot off at the ends, and values above maxValue share the top.
      if (slot < 1) slot = 1;
      else if (slot > this.last) slot = this.last;
    }
    this.counts[slot]!++;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.n;
  }
  /** Sum of recorded values (floating point, so merge order can change its last bits). */
  get sum(): number {
    return this.total;
  }
  /** Mean of recorded values, or null when empty. */
  get mean(): number | null {
    return this.n === 0 ? null : this.total / this.n;
  }
  /** Exact smallest recorded value, or null when empty. */
  get min(): number | null {
    return this.n === 0 ? null : this.lo;
  }
  /** Exact largest recorded value, or null when empty. */
  get max(): number | null {
    return this.n === 0 ? null : this.hi;
  }

  /**
   * The value of rank ⌊q·(n−1)⌋ in sorted order, within relativeAccuracy (values below minValue or above
   * maxValue excepted), or null when empty. q = 0 and q = 1 give the exact min and max.
   */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    if (this.n === 0) return null;
    if (q === 0) return this.lo;
    if (q === 1) return this.hi;
    const rank = Math.floor(q * (this.n - 1));
    let seen = 0;
    for (let slot = 0; slot <= this.last; slot++) {
      seen += this.counts[slot]!;
      if (seen > rank) return this.representative(slot);
    }
    return this.hi;
  }

  /** Adds another histogram's values into this one; both must have identical options so buckets line up. */
  merge(other: Histogram): void {
    const same = other.relativeAccuracy === this.relativeAccuracy && other.minValue === this.minValue;
    if (!same || other.maxValue !== this.maxValue) throw new RangeError("cannot merge: options differ");
    for (let slot = 0; slot <= this.last; slot++) this.counts[slot]! += other.counts[slot]!;
    this.n += other.n;
    this.total += other.total;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Forgets every value but keeps the buffer, so a recorder can reuse it per window without allocating. */
  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.total = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
  }

  /** Non-empty buckets in ascending order, with their value ranges, for drawing a log-scale chart. */
  buckets(): HistogramBin[] {
    const out: HistogramBin[] = [];
    for (let slot = 0; slot <= this.last; slot++) {
      const count = this.counts[slot]!;
      if (count === 0) continue;
      if (slot === 0) {
        out.push({ lower: 0, upper: this.minValue, count });
        continue;
      }
      const key = slot + this.offset;
      const lower = slot === 1 ? this.minValue : Math.exp((key - 1) * this.lnGamma);
      const upper = Math.exp(key * this.lnGamma);
      // The top bucket also holds clamped values; widen it so the chart still covers max.
      out.push({ lower, upper: slot === this.last ? Math.max(upper, this.hi) : upper, count });
    }
    return out;
  }

  /**
   * Re-aggregates counts into `bins` equal-width bins over [lower, upper) for a linear chart. Each bucket
   * goes whole to the bin holding its representative value; values outside the range go to the end bins,
   * so the bin counts always sum to count.
   */
  rebin(lower: number, upper: number, bins: number): HistogramBin[] {
    if (!(Number.isInteger(bins) && bins > 0))
      throw new RangeError(`bins must be a positive integer, got ${bins}`);
    if (!(Number.isFinite(lower) && Number.isFinite(upper) && upper > lower)) {
      throw new RangeError(`need finite lower < upper, got ${lower}, ${upper}`);
    }
    const width = (upper - lower) / bins;
    const out: HistogramBin[] = [];
    for (let b = 0; b < bins; b++)
      out.push({ lower: lower + b * width, upper: lower + (b + 1) * width, count: 0 });
    for (let slot = 0; slot <= this.last; slot++) {
      const count = this.counts[slot]!;
      if (count === 0) continue;
      const b = Math.floor((this.representative(slot) - lower) / width);
      out[b < 0 ? 0 : b >= bins ? bins - 1 : b]!.count += count;
    }
    return out;
  }

  /** Plain-data snapshot, for postMessage or JSON between workers. */
  toJSON(): HistogramJSON {
    const counts: [number, number][] = [];
    for (let slot = 0; slot <= this.last; slot++)
      if (this.counts[slot]! > 0) counts.push([slot, this.counts[slot]!]);
    const { relativeAccuracy, minValue, maxValue } = this;
    return {
      relativeAccuracy,
      minValue,
      maxValue,
      count: this.n,
      sum: this.total,
      min: this.min,
      max: this.max,
      counts,
    };
  }

  /** Rebuilds a histogram from {@link toJSON} output, rejecting data whose counts do not add up. */
  static fromJSON(json: HistogramJSON): Histogram {
    const h = new Histogram(json);
    let total = 0;
    for (const [slot, count] of json.counts) {
      if (!(Number.isInteger(slot) && slot >= 0 && slot <= h.last && count >= 0)) {
        throw new RangeError(`bad histogram bucket [${slot}, ${count}]`);
      }
      h.counts[slot]! += count;
      total += count;
    }
    if (total !== json.count || (json.count > 0 && (json.min === null || json.max === null))) {
      throw new RangeError("histogram JSON is inconsistent");
    }
    h.n = json.count;
    h.total = json.sum;
    h.lo = json.min ?? Number.POSITIVE_INFINITY;
    h.hi = json.max ?? Number.NEGATIVE_INFINITY;
    return h;
  }

  /** A bucket's representative value, clamped to [min, max] since the true value lies there too. */
  private representative(slot: number): number {
    const v = slot === 0 ? 0 : (2 * Math.exp((slot + this.offset) * this.lnGamma)) / (this.gamma + 1);
    return Math.min(Math.max(v, this.lo), this.hi);
  }
}
