import { describe, expect, it } from "vitest";
import { numberProblem, readNumber } from "../../web/src/drafts.js";

describe("number fields", () => {
  it("read numbers as the YAML would write them", () => {
    expect(readNumber(" 0.25 ")).toEqual({ value: 0.25 });
    expect(readNumber("1e3")).toEqual({ value: 1000 });
    expect(readNumber("-.5")).toEqual({ value: -0.5 });
    expect(readNumber("")).toEqual({ value: undefined });
  });

  it("refuse text and numbers too large to be finite, saying what was typed", () => {
    expect(readNumber("abc")).toEqual({ error: 'expected a number, got "abc"' });
    expect(readNumber("1e400")).toEqual({ error: "1e400 is too large: expected a finite number" });
    expect(readNumber("0x10")).toHaveProperty("error");
  });

  it("apply a field's own rule, and refuse an empty required field", () => {
    const whole = (v: number) =>
      Number.isInteger(v) && v >= 1 ? null : `expected a whole number >= 1, got ${v}`;
    expect(numberProblem("0", false, whole)).toEqual({ error: "expected a whole number >= 1, got 0" });
    expect(numberProblem("", false, whole)).toEqual({ error: "required: enter a number" });
    expect(numberProblem("", true, whole)).toEqual({ value: undefined });
    expect(numberProblem("3", false, whole)).toEqual({ value: 3 });
  });
});
