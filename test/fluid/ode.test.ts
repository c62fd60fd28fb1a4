import { describe, expect, it } from "vitest";
import { integrate, integrateAuto, integrateStiff } from "../../src/fluid/ode.js";

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

describe("stiff integration (ROS2, and switching between the methods)", () => {
  // y1' = -y1 + 999 y2 ... written as two decoupled modes: u' = -u (slow), v' = -1000 (v - cos t)
  // - sin t (fast, with the smooth solution v = cos t from v(0) = 1): y(t) = [e^-t, cos t].
  const f = (t: number, s: Float64Array, d: Float64Array) => {
    d[0] = -s[0]! + 0 * s[1]!;
    d[1] = -1000 * (s[1]! - Math.cos(t)) - Math.sin(t);
  };
  const count = (method: (...a: Parameters<typeof integrate>) => { y: Float64Array }) => {
    let steps = 0;
    const end = method(f, 0, [1, 1], 10, {
      maxStep: 10,
      // ROS2 controls its step by a first-order estimate: at tight tolerances accuracy, not
      // stability, limits it, so the comparison is made where stiffness is what matters.
      rtol: 1e-3,
      onStep: () => {
        steps++;
        return false;
      },
    });
    return { steps, y: end.y };
  };

  it("ROS2 follows the smooth solution with steps far beyond the explicit stability limit", () => {
    const { steps, y } = count(integrateStiff);
    expect(y[0]).toBeCloseTo(Math.exp(-10), 3);
    expect(y[1]).toBeCloseTo(Math.cos(10), 3);
    // Dormand-Prince needs h < 3.3 / 1000 here: about 3000 steps for 10 s.
    const explicit = count(integrate);
    expect(explicit.steps).toBeGreaterThan(2500);
    expect(steps).toBeLessThan(explicit.steps / 3);
  });

  it("the switching integrator turns implicit on the stiff problem and stays explicit on a smooth one", () => {
    const auto = count(integrateAuto);
    expect(auto.y[1]).toBeCloseTo(Math.cos(10), 3);
    expect(auto.steps).toBeLessThan(count(integrate).steps / 3);
    let smooth = 0;
    const end = integrateAuto(
      (_t, s, d) => {
        d[0] = -2 * s[0]!;
      },
      0,
      [1],
      3,
      {
        onStep: () => {
          smooth++;
          return false;
        },
      },
    );
    expect(end.y[0]).toBeCloseTo(Math.exp(-6), 7);
    let explicitSteps = 0;
    integrate(
      (_t, s, d) => {
        d[0] = -2 * s[0]!;
      },
      0,
      [1],
      3,
      {
        onStep: () => {
          explicitSteps++;
          return false;
        },
      },
    );
    expect(smooth).toBe(explicitSteps);
  });
});
