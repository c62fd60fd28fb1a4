import { describe, expect, it } from "vitest";
import {
  boundsOf,
  edgeRoute,
  fitView,
  MAX_ZOOM,
  panBy,
  toDrawing,
  viewBox,
  wheelFactor,
  zoomAt,
} from "../../web/src/canvas-view.js";

// Values worked out by hand from the definitions: a view is the drawing point at the canvas's
// top-left corner and k screen pixels per drawing unit.

describe("the canvas's pan and zoom", () => {
  it("fits content by its tighter side and centres it", () => {
    // Padded content 520 x 164 units in 640 x 420 px: k = min(640/520, 420/164, 1.25) = 16/13.
    const v = fitView({ x: 16, y: 16, w: 472, h: 116 }, 640, 420);
    expect(v.k).toBeCloseTo(16 / 13, 12);
    // Width fills exactly: x = 16 - 24. Height shows 420 / (16/13) = 341.25 units for 164: the
    // spare 177.25 is split, so y = 16 - 24 - 88.625.
    expect(v.x).toBeCloseTo(-8, 12);
    expect(v.y).toBeCloseTo(-96.625, 12);
    expect(viewBox(v, 640, 420)).toBe("-8 -96.62 520 341.25");
  });

  it("does not enlarge a small topology past 125%", () => {
    // One 132 x 46 node, padded 180 x 94: it would fit at 355%, it is shown at 125%, centred in
    // 512 x 336 units: x = -24 - (512 - 180) / 2, y = -24 - (336 - 94) / 2.
    expect(fitView({ x: 0, y: 0, w: 132, h: 46 }, 640, 420)).toEqual({ x: -190, y: -145, k: 1.25 });
  });

  it("zooms about the pointer: the point under it stays under it", () => {
    const v = zoomAt({ x: 0, y: 0, k: 1 }, 2, 100, 50);
    expect(v).toEqual({ x: 50, y: 25, k: 2 });
    expect(toDrawing(v, 100, 50)).toEqual({ x: 100, y: 50 });
    // At the closest zoom a further zoom in changes nothing.
    expect(zoomAt({ x: 3, y: 4, k: MAX_ZOOM }, 2, 100, 50)).toEqual({ x: 3, y: 4, k: MAX_ZOOM });
    // The farthest zoom is 20%: 0.25 x 0.5 is held there, keeping (0, 0) under the pointer at (0, 0).
    expect(zoomAt({ x: 0, y: 0, k: 0.25 }, 0.5, 0, 0)).toEqual({ x: 0, y: 0, k: 0.2 });
  });

  it("pans with the pointer, in drawing units of the current zoom", () => {
    // Dragging 40 px right at 200% shows what is 20 units further left.
    expect(panBy({ x: 10, y: 10, k: 2 }, 40, -20)).toEqual({ x: -10, y: 20, k: 2 });
  });

  it("turns a wheel notch of 100 px into about 16% of zoom, either way", () => {
    expect(wheelFactor(100)).toBeCloseTo(Math.exp(-0.15), 12);
    expect(wheelFactor(-100)).toBeCloseTo(1.1618, 4);
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1, 12);
  });

  it("bounds every node's box", () => {
    expect(
      boundsOf([
        { x: 16, y: 16, w: 132, h: 46 },
        { x: 356, y: 86, w: 132, h: 46 },
      ]),
    ).toEqual({ x: 16, y: 16, w: 472, h: 116 });
  });
});

describe("edges on the canvas", () => {
  const box = (x: number, y: number) => ({ x, y, w: 132, h: 46 });

  it("are straight between neighbours", () => {
    expect(edgeRoute(box(0, 0), box(170, 0), [box(340, 0)])).toEqual({ d: "M 132 23 L 170 23", top: null });
  });

  it("curve over a node they would pass behind", () => {
    // From x 132 to 340 at y 23, past a node at 170..302: control points a third of the way along
    // (201.33, 270.67) and 60 above the ends (y -37); the curve's middle is at 23/4 + 3/4 x -37 = -22.
    expect(edgeRoute(box(0, 0), box(340, 0), [box(170, 0)])).toEqual({
      d: "M 132 23 C 201.33 -37, 270.67 -37, 340 23",
      top: -22,
    });
  });
});
