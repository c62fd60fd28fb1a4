import type { EChartsOption, LineSeriesOption, TitleComponentOption, YAXisComponentOption } from "echarts";

// The look every chart shares, in one place. ECharts lays text out with Helvetica/Arial widths when
// it cannot measure (server-side), so ask for those fonts: legends and labels then fit the same in
// the SVG file and in the browser.

/** The charts' font stack. */
export const CHART_FONT = "Helvetica, Arial, sans-serif";
/** The charts' text colour. */
export const CHART_TEXT = "#333333";

/** What every chart option starts with: one still frame on white, in the charts' font. */
export function chartGround(): Pick<EChartsOption, "animation" | "backgroundColor" | "textStyle"> {
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: CHART_FONT, color: CHART_TEXT },
  };
}

/** A chart's bold title at the top left. */
export function chartTitle(text: string): TitleComponentOption {
  return { text, left: 8, top: 6, textStyle: { fontSize: 14, fontWeight: "bold", color: CHART_TEXT } };
}

/**
 * A value axis from 0 named along its middle, with light grid lines; `boundaryGap` leaves headroom
 * above the data.
 */
export function valueAxis(name: string, boundaryGap?: [number, string]): YAXisComponentOption {
  return {
    type: "value",
    name,
    nameLocation: "middle",
    nameGap: 46,
    min: 0,
    ...(boundaryGap && { boundaryGap }),
    splitLine: { lineStyle: { color: "#e6e6e6" } },
  };
}

/** A line in its colour, 1.8 px wide; `extra` adds to or overrides that. */
export function lineSeries(
  name: string,
  color: string,
  data: NonNullable<LineSeriesOption["data"]>,
  extra: LineSeriesOption,
): LineSeriesOption {
  return { type: "line", name, data, color, lineStyle: { width: 1.8, color }, ...extra };
}
