import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { integerFlag } from "../../src/cli/integer-flag.js";

describe("integerFlag", () => {
  it("takes whole numbers from its minimum up and names the flag when refusing", () => {
    const parse = integerFlag("--replications", 1);
    expect(parse("1")).toBe(1);
    expect(parse(" 12 ")).toBe(12);
    for (const bad of ["0", "-1", "1.5", "1e3", "", "x", "99999999999999999"]) {
      expect(() => parse(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => parse("0")).toThrow('--replications must be an integer >= 1, got "0"');
    expect(integerFlag("--port", 0)("0")).toBe(0);
  });
});
