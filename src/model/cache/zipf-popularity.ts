import type { Distribution } from "../../engine/distribution.js";
import { createDistribution } from "../../engine/distributions.js";
import { checkNumber } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { KeyPopularity } from "./key-popularity.js";

/** Key k asked for in proportion to k^-exponent: a few hot keys and a long tail, as real caches see. */
export class ZipfPopularity implements KeyPopularity {
  readonly label: string;
  readonly exponent: number;
  private readonly dist: Distribution;
  private readonly total: number;

  constructor(
    readonly keys: number,
    exponent: number,
  ) {
    this.exponent = checkNumber("exponent", exponent, { min: 0 });
    this.dist = createDistribution({ kind: "zipf", n: keys, exponent: this.exponent });
    let total = 0;
    for (let k = 1; k <= keys; k++) total += k ** -this.exponent;
    this.total = total;
    this.label = `zipf(exponent=${this.exponent})`;
  }

  sample(rng: RandomStream): number {
    return this.dist.sample(rng);
  }

  probability(key: number): number {
    return key ** -this.exponent / this.total;
  }
}
