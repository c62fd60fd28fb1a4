import { describe, expect, it } from "vitest";
import { csvField, formatNumber, gaugesCsv, ratesCsv } from "../../src/report/csv.js";
import { fixtureOutput } from "./fixture.js";

const lines = (csv: string) => csv.trimEnd().split("\n");

describe("formatNumber", () => {
  it("prints six significant digits without float noise or exponents", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(20)).toBe("20");
    expect(formatNumber(1 / 3)).toBe("0.333333");
    expect(formatNumber(1234.56789)).toBe("1234.57");
    expect(formatNumber(123456789)).toBe("123456789");
    expect(formatNumber(0.000123456789)).toBe("0.000123457");
    expect(formatNumber(1e-7)).toBe("0.0000001");
    expect(formatNumber(-0.5)).toBe("-0.5");
    expect(formatNumber(-1e-30)).toBe("0");
    expect(formatNumber(0.9999999)).toBe("1");
  });
});

describe("csvField", () => {
  it("quotes commas, quotes and line breaks the RFC 4180 way", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });
});

describe("gaugesCsv", () => {
  const out = fixtureOutput();

  it("has time, total queue, utilisation and capacity, one queue-depth column per queue, then the other gauges", () => {
    const rows = lines(gaugesCsv(out.series));
    // The server's own queueLength gauge is its queue_depth column, not repeated.
    expect(rows[0]).toBe("time,queue_total,utilisation,capacity_per_s,queue_depth_server,server.inFlight");
    expect(rows).toHaveLength(1 + out.series.probeTimes.length);
    expect(rows[1]).toBe("0,1,1,10,1,1");
    expect(rows[25]).toBe("12,13,1,10,13,1");
  });

  it("leaves a gauge's cells empty before it existed", () => {
    const series = {
      ...out.series,
      queueDepth: {},
      gauges: { "pool.size": [Number.NaN, 4] },
      probeTimes: [0, 0.5],
    };
    expect(gaugesCsv(series)).toBe(
      "time,queue_total,utilisation,capacity_per_s,pool.size\n0,1,1,10,\n0.5,1,1,10,4\n",
    );
  });

  it("quotes server names that need it", () => {
    const series = { ...out.series, queueDepth: { 'db "main", eu': [1, 2], api: [3] }, gauges: {} };
    series.probeTimes = [0, 0.5];
    expect(gaugesCsv(series)).toBe(
      'time,queue_total,utilisation,capacity_per_s,"queue_depth_db ""main"", eu",queue_depth_api\n0,1,1,10,1,3\n0.5,1,1,10,2,\n',
    );
  });

  it("matches the snapshot", () => {
    expect(gaugesCsv(out.series)).toMatchSnapshot();
  });
});

describe("ratesCsv", () => {
  const out = fixtureOutput();
  const rows = lines(ratesCsv(out.series));

  it("has the documented header and one row per window", () => {
    expect(rows[0]).toBe(
      "window_start,offered_per_s,throughput_per_s,goodput_per_s,timeouts_per_s,retries_per_s,latency_mean_s," +
        "wasted_per_s,errors_per_s,gave_up_per_s,busy_worker_s_per_s,wasted_or_failed_worker_s_per_s," +
        "finished_per_s_server,wasted_per_s_server",
    );
    expect(rows).toHaveLength(1 + out.series.windowStarts.length);
    expect(rows[1]).toBe("0,9,9,9,0,0,0.1,0,0,0,0.9,0,9,0");
  });

  it("leaves the cell empty where latency is null", () => {
    expect(rows.at(-1)!.startsWith("19,0,2,1,0,0,,")).toBe(true);
  });

  it("matches the snapshot", () => {
    expect(ratesCsv(out.series)).toMatchSnapshot();
  });
});
