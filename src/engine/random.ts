import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";

/** A source of uniform doubles in [0, 1), owned by exactly one consumer. */
export interface RandomStream {
  /** The stream's name, unique within a simulation. */
  readonly name: string;
  /** Next uniform double in [0, 1) with 53 bits of randomness. */
  next(): number;
}

// 32-bit finaliser of MurmurHash3: cheap, well-mixed, and stable across platforms.
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

// FNV-1a over the UTF-16 code units of the name.
function hashName(name: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const SCALE26 = 2 ** -26;
const SCALE53 = 2 ** -53;

class XoroshiroStream implements RandomStream {
  private readonly gen;
  constructor(
    readonly name: string,
    state: [number, number, number, number],
  ) {
    this.gen = xoroshiro128plusFromState(state);
    // Discard the first outputs: xoroshiro's early values correlate with a low-entropy state.
    for (let i = 0; i < 16; i++) this.gen.next();
  }
  next(): number {
    const g = this.gen;
    return (g.next() & 0x3ffffff) * SCALE26 + (g.next() & 0x7ffffff) * SCALE53;
  }
}

/**
 * Derives the state of a named stream from the root seed and the name alone, so a consumer's
 * draws do not depend on which other streams exist or how much they are used (common random
 * numbers across variants of a scenario).
 */
export function createStream(rootSeed: number, name: string): RandomStream {
  if (!Number.isSafeInteger(rootSeed)) throw new RangeError(`seed must be a safe integer, got ${rootSeed}`);
  const lo = rootSeed >>> 0;
  const hi = Math.floor(rootSeed / 2 ** 32) >>> 0;
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const w = mix32(
      hashName(name, k) ^ mix32(lo + Math.imul(k + 1, 0x9e3779b9)) ^ mix32(hi ^ (k * 0x7f4a7c15)),
    );
    words[k] = w | 0;
  }
  // An all-zero state would emit zeros forever.
  if (words.every((w) => w === 0)) words[0] = 1;
  return new XoroshiroStream(name, words);
}
