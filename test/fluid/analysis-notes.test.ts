import { describe, expect, it } from "vitest";
import { fmt, noRecovery, nothingTips, pct, tipsByItself } from "../../src/fluid/analysis-notes.js";

describe("analysis notes", () => {
  it("print numbers to three significant digits without float noise", () => {
    expect(fmt(35.00000000000001)).toBe("35");
    expect(fmt(1234.5)).toBe("1230");
    expect(fmt(0.012345)).toBe("0.0123");
    expect(pct(0.12345)).toBe("12.3%");
    expect(pct(1)).toBe("100%");
  });

  it("answer alike where a state does not exist, with a hit rate only for a cache", () => {
    expect(tipsByItself(5, 10, false)).toEqual({
      queue: 0,
      spikeRate: 10,
      seconds: 0,
      note: "no healthy state at 5 req/s: the system tips by itself",
    });
    expect(Object.keys(tipsByItself(5, 10, true))).toEqual([
      "queue",
      "hitRate",
      "spikeRate",
      "seconds",
      "note",
    ]);
    expect(nothingTips(2.5, 10, true)).toEqual({
      queue: null,
      hitRate: null,
      spikeRate: 10,
      seconds: null,
      note: "no stuck state at 2.5 req/s: any disturbance decays",
    });
    expect(noRecovery("why")).toEqual({
      load: null,
      drainLoad: null,
      from: null,
      seconds: null,
      note: "why",
    });
  });
});
