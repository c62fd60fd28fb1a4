import { describe, expect, it } from "vitest";
import { identityOf } from "../../src/analysis/job-identity.js";
import { identityOf as pageIdentityOf } from "../../web/src/map-runner.js";

// The page shares the CLI's axes and canonical JSON, but hashes with Web Crypto: the two must agree.
describe("the page's map planning", () => {
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
