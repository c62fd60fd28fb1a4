import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { createDistribution, type DistributionSpec } from "../../src/engine/distributions.js";
import { createStream } from "../../src/engine/random.js";
import { sourceType } from "../../src/scenario/types/source-type.js";

const DOC = readFileSync(join(import.meta.dirname, "..", "..", "docs", "scenario-format.md"), "utf8");

/** The YAML block that follows `heading` in docs/scenario-format.md. */
function exampleAfter(heading: string): unknown {
  const from = DOC.indexOf(heading);
  const block = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(from));
  if (from < 0 || !block) throw new Error(`no YAML example after "${heading}"`);
  return parse(block[1]!);
}

it("the empirical service-time example gives back the percentiles it was built from", () => {
  const doc = exampleAfter("### Service time from observed percentiles") as {
    servers: { api: { serviceTime: DistributionSpec } };
  };
  const d = createDistribution(doc.servers.api.serviceTime);
  const rng = createStream(1, "doc");
  const xs = Array.from({ length: 20000 }, () => d.sample(rng)).sort((a, b) => a - b);
  const at = (q: number) => xs[Math.floor(q * xs.length)]!;
  expect(at(0.5)).toBeCloseTo(0.012, 3);
  expect(at(0.9)).toBeCloseTo(0.03, 2);
  expect(at(0.99)).toBeGreaterThan(0.07);
  expect(at(0.99)).toBeLessThan(0.1);
});

it("the trace example is a valid source", () => {
  const doc = exampleAfter("### Recorded traffic: `trace`") as { sources: { users: unknown } };
  expect(sourceType.schema.safeParse(doc.sources.users).success).toBe(true);
});

it("the services example is a valid service", async () => {
  const { serviceType } = await import("../../src/scenario/types/service-type.js");
  const doc = exampleAfter("## Services") as { services: { web: unknown } };
  expect(serviceType.schema.safeParse(doc.services.web).success).toBe(true);
});
