import type { EChartsOption } from "echarts";
import type { VariantSummary } from "../analysis/compare.js";
import type { ThresholdResult } from "../analysis/threshold.js";
import type { Band } from "../fluid/equilibria.js";
import { chartGround } from "./chart-style.js";
import type { ChartSpec } from "./charts.js";

// Charts of the batch analyses (compare, threshold), in the style of the run charts.

function frame(title: string, option: EChartsOption): EChartsOption {
  return {
    ...chartGround(),
    title: { text: title, left: 8, top: 6, textStyle: { fontSize: 14, fontWeight: "bold" } },
    legend: { bottom: 6, itemGap: 28 },
    tooltip: { trigger: "axis" },
    grid: { left: 64, right: 24, top: 40, bottom: 72 },
    ...option,
  };
}

/** P(stuck) and goodput/offered per variant, side by side (the intervals are in the table). */
export function compareChart(
  variants: readonly Pick<VariantSummary, "name" | "pStuck" | "goodputRatio">[],
): ChartSpec {
  const title = "Probability of getting stuck and goodput, per variant";
  return {
    id: "compare",
    title,
    option: frame(title, {
      xAxis: {
        type: "category",
        data: variants.map((v) => v.name),
        axisLabel: { interval: 0, width: 140, overflow: "truncate" },
      },
      yAxis: { type: "value", min: 0, max: 1, name: "share", nameLocation: "middle", nameGap: 40 },
      series: [
        { type: "bar", name: "P(stuck)", color: "#D55E00", data: variants.map((v) => v.pStuck.mean) },
        {
          type: "bar",
          name: "goodput / offered",
          color: "#009E73",
          data: variants.map((v) => v.goodputRatio.mean),
        },
      ],
    }),
  };
}

/**
 * The probability of getting stuck against load, and of recovering once the load is cut; with the
 * fluid model's band (requests per second) shaded where it has one.
 */
export function thresholdChart(result: ThresholdResult, fluid?: Band | string): ChartSpec {
  const title = "Where the system tips";
  const series: NonNullable<EChartsOption["series"]> = [
    {
      type: "line",
      name: "P(stuck) at this load",
      color: "#D55E00",
      data: result.tip.points.map((p) => [p.rate, p.probability.mean]),
    },
  ];
  if (result.recover)
    series.push({
      type: "line",
      name: "P(recovers) when cut to this load",
      color: "#009E73",
      data: result.recover.points.map((p) => [p.rate, p.probability.mean]),
    });
  if (fluid !== undefined && typeof fluid !== "string" && fluid.low !== null) {
    const edge = fluid.high ?? fluid.low;
    series.push({
      type: "line",
      name: "fluid bistable band",
      data: [],
      color: "rgba(230, 159, 0, 0.5)",
      markArea: {
        silent: true,
        itemStyle: { color: "rgba(230, 159, 0, 0.16)" },
        label: { position: "insideTop", fontSize: 10, color: "#555555" },
        data: [[{ name: "fluid band", xAxis: fluid.low }, { xAxis: edge }]],
      },
    });
  }
  return {
    id: "threshold",
    title,
    option: frame(title, {
      xAxis: { type: "value", name: "load (req/s)", nameLocation: "middle", nameGap: 28, min: 0 },
      yAxis: { type: "value", min: 0, max: 1, name: "probability", nameLocation: "middle", nameGap: 40 },
      series,
    }),
  };
}
