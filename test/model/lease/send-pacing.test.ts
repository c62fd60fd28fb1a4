import { describe, expect, it } from "vitest";
import { SendPacing } from "../../../src/model/lease/send-pacing.js";

describe("SendPacing", () => {
  it("lets every send go at once without a cap", () => {
    const pacing = new SendPacing();
    expect([pacing.slot(0), pacing.slot(0), pacing.slot(3)]).toEqual([0, 0, 3]);
  });

  it("gives each send the next free slot under the cap, and frees it again after a quiet spell", () => {
    const pacing = new SendPacing();
    pacing.set(2, 10); // 2 per second: slots 0.5 s apart from t = 10
    expect(pacing.slot(10)).toBe(10);
    expect(pacing.slot(10)).toBe(10.5);
    expect(pacing.slot(10.2)).toBe(11);
    expect(pacing.slot(12)).toBe(12); // quiet since 11.5: no hold
    pacing.set(null, 12);
    expect(pacing.slot(12)).toBe(12);
  });
});
