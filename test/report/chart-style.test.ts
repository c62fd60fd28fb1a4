import { describe, expect, it } from "vitest";
import { chartGround, chartTitle, lineSeries, valueAxis } from "../../src/report/chart-style.js";

describe("chart style", () => {
  it("gives every chart the same ground and title, fresh each time", () => {
    const a = chartGround();
    expect(a).toEqual({
      animation: false,
      backgroundColor: "#ffffff",
      textStyle: { fontFamily: "Helvetica, Arial, sans-serif", color: "#333333" },
    });
    expect(chartGround().textStyle).not.toBe(a.textStyle);
    expect(chartTitle("T")).toEqual({
      text: "T",
      left: 8,
      top: 6,
      textStyle: { fontSize: 14, fontWeight: "bold", color: "#333333" },
    });
  });

  it("leaves headroom on a value axis only when asked", () => {
    expect(valueAxis("y")).not.toHaveProperty("boundaryGap");
    expect(valueAxis("y", [0, "12%"])).toMatchObject({ name: "y", min: 0, boundaryGap: [0, "12%"] });
  });

  it("lets a line's extras override its style in place", () => {
    const l = lineSeries("a", "#000", [[0, 1]], { lineStyle: { width: 1, color: "#000" }, symbol: "none" });
    expect(Object.keys(l)).toEqual(["type", "name", "data", "color", "lineStyle", "symbol"]);
    expect(l.lineStyle).toEqual({ width: 1, color: "#000" });
  });
});
