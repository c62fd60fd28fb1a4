import { describe, expect, it } from "vitest";
import { identityOf } from "../../src/analysis/job-identity.js";
import { axisValues } from "../../src/analysis/sweep.js";
import { axisValues as pageAxisValues, identityOf as pageIdentityOf } from "../../web/src/map-runner.js";

// The page mirrors the few planning lines of `metastable map`; these must stay equal.
describe("the page's map planning", () => {
  it("spaces axis values as the CLI does", () => {
    for (const axis of [
      { param: "load", from: 0.5, to: 1.5, steps: 5 },
      { param: "x", from: 0.1, to: 0.7, steps: 7 },
      { param: "x", from: 3, to: 3, steps: 1 },
    ])
      expect(pageAxisValues(axis)).toEqual(axisValues(axis));
  });

  it("hashes a scenario to the CLI's identity", async () => {
    const spec = {
      name: "x",
      duration: 10,
      clients: { c: { target: "s", timeout: 0.5 } },
      zeta: [1, { b: 2, a: 1 }],
    };
    expect(await pageIdentityOf(spec)).toBe(identityOf(spec));
  });
});
