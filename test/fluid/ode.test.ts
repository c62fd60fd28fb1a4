import { describe, expect, it } from "vitest";
import { integrate } from "../../src/fluid/ode.js";

describe("integrate (Dormand-Prince 5(4))", () => {
  it("solves y' = -2y to its tolerance", () => {
    const { t, y } = integrate(
      (_t, s, d) => {
        d[0] = -2 * s[0]!;
      },
      0,
      [1],
      3,
    );
    expect(t).toBeCloseTo(3, 12);
    expect(y[0]).toBeCloseTo(Math.exp(-6), 7);
  });

  it("runs backwards in time and keeps a rotation on its circle", () => {
    const f = (_t: number, s: Float64Array, d: Float64Array) => {
      d[0] = -s[1]!;
      d[1] = s[0]!;
    };
    const { y } = integrate(f, 0, [1, 0], -Math.PI / 2, { rtol: 1e-9, atol: 1e-12 });
    expect(y[0]).toBeCloseTo(0, 7);
    expect(y[1]).toBeCloseTo(-1, 7);
  });

  it("stops where onStep asks", () => {
    const rise = (_t: number, _s: Float64Array, d: Float64Array) => {
      d[0] = 1;
    };
    const { t } = integrate(rise, 0, [0], 100, { onStep: (_t, s) => s[0]! >= 10 });
    expect(t).toBeGreaterThanOrEqual(10);
    expect(t).toBeLessThan(100);
  });
});
