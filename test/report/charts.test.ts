import { describe, expect, it } from "vitest";
import { chartOptions } from "../../src/report/charts.js";
import { fixtureOutput } from "./fixture.js";

const IDS = [
  "load-profile",
  "queue-depth",
  "latency",
  "goodput",
  "timeouts",
  "retries",
  "latency-histogram",
  "attempts",
];
const TIME_CHARTS = IDS.slice(0, 6);

// Series are typed as a union in EChartsOption; the tests only read plain fields.
type Loose = Record<string, unknown>;
const seriesOf = (option: Loose) => option.series as Loose[];

describe("chartOptions", () => {
  const specs = chartOptions(fixtureOutput());
  const byId = new Map(specs.map((s) => [s.id, s.option as Loose]));

  it("returns the eight charts in order, each titled and without animation", () => {
    expect(specs.map((s) => s.id)).toEqual(IDS);
    for (const s of specs) {
      expect(s.title.length).toBeGreaterThan(0);
      expect((s.option as Loose).animation).toBe(false);
    }
  });

  it("shades every phase and the drain on each time chart", () => {
    for (const id of TIME_CHARTS) {
      const areas = seriesOf(byId.get(id)!).flatMap((s) => (s.markArea as { data?: Loose[][] })?.data ?? []);
      expect(areas.map((a) => [a[0]!.name, a[0]!.xAxis, a[1]!.xAxis])).toEqual([
        ["baseline 9 req/s", 0, 10],
        ["spike 20 req/s", 10, 16],
        ["drain", 16, 20],
      ]);
    }
  });

  it("names axes with units", () => {
    for (const id of TIME_CHARTS) expect((byId.get(id)!.xAxis as Loose).name).toBe("time (s)");
    expect((byId.get("load-profile")!.yAxis as Loose).name).toBe("offered (req/s)");
    expect((byId.get("latency")!.yAxis as Loose).name).toBe("latency (ms)");
    expect((byId.get("latency-histogram")!.xAxis as Loose).name).toBe("latency (ms)");
  });

  it("draws capacity and timeout references and keeps null latency as a gap", () => {
    const load = seriesOf(byId.get("load-profile")!);
    expect(load.map((s) => s.name)).toContain("capacity (10 req/s)");
    const latency = seriesOf(byId.get("latency")!);
    expect(latency.map((s) => s.name)).toContain("timeout (500 ms)");
    const mean = latency.find((s) => s.name === "mean latency")!.data as [number, number | null][];
    expect(mean.at(-1)).toEqual([19.5, null]);
    expect(mean[0]![1]).toBeCloseTo(100);
  });

  it("plots goodput with throughput beside it, and one queue line per server", () => {
    const goodput = seriesOf(byId.get("goodput")!).map((s) => s.name);
    expect(goodput).toEqual(expect.arrayContaining(["goodput", "throughput"]));
    const two = fixtureOutput();
    two.series.queueDepth.db = two.series.queueDepth.server!.map((d) => d / 2);
    const queue = chartOptions(two).find((s) => s.id === "queue-depth")!.option as Loose;
    expect(
      seriesOf(queue)
        .filter((s) => s.name !== undefined)
        .map((s) => s.name),
    ).toEqual(["server", "db"]);
  });

  it("leaves out the timeout without a client and the drain when there is none", () => {
    const out = fixtureOutput();
    out.result.timeout = null;
    out.result.drain = null;
    const specs2 = chartOptions(out);
    const latency = seriesOf(specs2.find((s) => s.id === "latency")!.option as Loose);
    expect(latency.map((s) => s.name)).not.toContain("timeout (500 ms)");
    const hist = seriesOf(specs2.find((s) => s.id === "latency-histogram")!.option as Loose);
    expect(hist[0]!.markLine).toBeUndefined();
    const areas = seriesOf(specs2[0]!.option as Loose).flatMap(
      (s) => (s.markArea as { data?: [] })?.data ?? [],
    );
    expect(areas).toHaveLength(2);
  });

  it("is plain data, so a browser dashboard can receive it as JSON", () => {
    const json = JSON.parse(JSON.stringify(specs));
    expect(json).toEqual(specs);
  });
});
