import { describe, expect, it } from "vitest";
import { align } from "../../web/src/chart-plan.js";

// uPlot takes one x row and a row per series on it; series with their own x are merged.

describe("aligning a chart's series on one x row", () => {
  it("merges ordered x rows, leaving undefined where a series has no point and keeping its nulls", () => {
    // A rate at 1, 2, 3 (no value at 2) and a reference line from 0 to 3.
    expect(
      align([
        [
          [1, 2, 3],
          [10, null, 30],
        ],
        [
          [0, 3],
          [5, 5],
        ],
      ]),
    ).toEqual([
      [0, 1, 2, 3],
      [undefined, 10, null, 30],
      [5, undefined, undefined, 5],
    ]);
  });

  it("passes series on the same x through", () => {
    const x = [0.5, 1.5];
    expect(
      align([
        [x, [1, null]],
        [
          [0.5, 1.5],
          [3, 4],
        ],
      ]),
    ).toEqual([x, [1, null], [3, 4]]);
  });

  it("sorts x rows that are not in order, and agrees with the merge on ordered ones", () => {
    expect(
      align([
        [
          [2, 1],
          [20, 10],
        ],
      ]),
    ).toEqual([
      [1, 2],
      [10, 20],
    ]);
    // Ordered rows merged two ways (one reversed, so it takes the sorting path) give the same rows.
    const a: [number[], (number | null)[]] = [
      [0, 0.25, 1, 4],
      [1, 2, 3, 4],
    ];
    const b: [number[], (number | null)[]] = [
      [0.25, 2, 4, 9],
      [5, null, 7, 8],
    ];
    const reversed = (t: [number[], (number | null)[]]): [number[], (number | null)[]] => [
      [...t[0]].reverse(),
      [...t[1]].reverse(),
    ];
    expect(align([a, b])).toEqual(align([reversed(a), reversed(b)]));
    expect(align([a, b])[0]).toEqual([0, 0.25, 1, 2, 4, 9]);
  });
});
