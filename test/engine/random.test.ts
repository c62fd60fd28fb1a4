import { describe, expect, it } from "vitest";
import { createStream } from "../../src/engine/random.js";

describe("random streams", () => {
  it("replays from seed and name", () => {
    const a = createStream(42, "server:api");
    const b = createStream(42, "server:api");
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
  });

  it("differs by seed and by name", () => {
    const first = (seed: number, name: string) => createStream(seed, name).next();
    expect(first(42, "x")).not.toBe(first(43, "x"));
    expect(first(42, "x")).not.toBe(first(42, "y"));
    expect(first(2 ** 40, "x")).not.toBe(first(0, "x"));
  });

  it("is uniform on [0, 1) with the right moments", () => {
    const s = createStream(1, "u");
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    const bins = new Array(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = s.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sq += u * u;
      bins[Math.floor(u * 10)]++;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    // Chi-square with 9 degrees of freedom: 27.9 is the 99.9th percentile.
    const chi = bins.reduce((acc, b) => acc + (b - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9);
  });

  it("streams of neighbouring names are uncorrelated", () => {
    const a = createStream(5, "client:a");
    const b = createStream(5, "client:b");
    const n = 50_000;
    let sab = 0;
    for (let i = 0; i < n; i++) sab += (a.next() - 0.5) * (b.next() - 0.5);
    expect(Math.abs(sab / n) / (1 / 12)).toBeLessThan(0.03);
  });
});
