import { describe, expect, it } from "vitest";
import { type CounterSnapshot, emptySnapshot } from "../../src/metrics/counters.js";
import { windowSeries } from "../../src/scenario/run-summary.js";

const counts = (fields: Partial<CounterSnapshot>): CounterSnapshot => ({ ...emptySnapshot(), ...fields });

describe("window series", () => {
  // Windows of 2 s over a 5 s run: [0, 2), [2, 4) and a last one of 1 s, [4, 5).
  const series = windowSeries(
    [
      counts({ arrivals: 10, served: 8, completions: 6, busySeconds: 1.5, inFlight: 4 }),
      counts({ arrivals: 4, timeouts: 2, retries: 3, gaveUp: 1, errorBusySeconds: 0.5, inFlight: 7 }),
      counts({
        arrivals: 3,
        attempts: 5,
        wasted: 2,
        errors: 1,
        abandoned: 1,
        wastedBusySeconds: 0.25,
        inFlight: 2,
      }),
    ],
    2,
    5,
  );

  it("divides each count by its own window's span: the last, partial window by 1 s, not 2", () => {
    expect(series.offered).toEqual([5, 2, 3]);
    expect(series.throughput).toEqual([4, 0, 0]);
    expect(series.goodput).toEqual([3, 0, 0]);
    expect(series.timeouts).toEqual([0, 1, 0]);
    expect(series.retries).toEqual([0, 1.5, 0]);
    expect(series.gaveUp).toEqual([0, 0.5, 0]);
    expect(series.attempts).toEqual([0, 0, 5]);
    expect(series.wasted).toEqual([0, 0, 2]);
    expect(series.errors).toEqual([0, 0, 1]);
    expect(series.abandoned).toEqual([0, 0, 1]);
    expect(series.busy).toEqual([0.75, 0, 0]);
    expect(series.errorBusy).toEqual([0, 0.25, 0]);
    expect(series.wastedBusy).toEqual([0, 0, 0.25]);
  });

  it("keeps the calls in flight as they were at each window's end: a level, not a rate", () => {
    expect(series.inFlight).toEqual([4, 7, 2]);
  });

  it("lists its series in the order the JSON and CSV have always had", () => {
    expect(Object.keys(series)).toEqual([
      "offered",
      "throughput",
      "goodput",
      "timeouts",
      "retries",
      "attempts",
      "wasted",
      "errors",
      "gaveUp",
      "abandoned",
      "inFlight",
      "busy",
      "wastedBusy",
      "errorBusy",
    ]);
  });
});
