import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { explainFluid } from "../../src/report/fluid-explain.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { PAUSE_STORM } from "../cli/cli-harness.js";

// PAUSE_STORM is M/M/1 at 10 req/s with 5 attempts per request: its band starts where five
// attempts per request fill the server, 10 / 5 = 2 req/s. Without retries (maxAttempts 1) there is
// no band, and above the capacity no healthy state.
const explain = (yaml: string, load: number, operating = load) =>
  explainFluid(analyseScenarioFluid(parseScenarioText(yaml, "s.yaml"), { load }), operating);
const text = (points: { heading: string; text: string }[]) =>
  points.map((p) => `${p.heading}: ${p.text}`).join("\n");

describe("explainFluid", () => {
  it("inside the band: the stuck state beside the healthy one, what tips it, how it gets out", () => {
    const t = text(explain(PAUSE_STORM, 5));
    expect(t).toMatch(
      /^What the model says: Between 2 and [\d.]+ req\/s the fluid model has two stable states/,
    );
    expect(t).toContain("At 5 req/s, inside that band, the stuck state exists beside the healthy one.");
    expect(t).toMatch(/calls added at once, or [\d.]+ s at 10 req\/s, tip it\./);
    expect(t).toContain("How it gets out: Below 2 req/s it recovers;");
    expect(t).toContain("What to do: Keep the operating load below 2 req/s");
  });

  it("below the band: the healthy state alone, and the headroom to the band", () => {
    const t = text(explain(PAUSE_STORM, 1.8, 1.5));
    expect(t).toContain(
      "At 1.8 req/s (1.2 x the operating load of 1.5 req/s) the healthy state is the only one",
    );
    expect(t).toContain(
      "What to do: Nothing at this load; the band starts at 2 req/s, 1.33 x the operating load.",
    );
    expect(t).not.toContain("How it gets out");
  });

  it("without retries: no band; above the capacity, overload rather than metastability", () => {
    const noRetries = PAUSE_STORM.replace("maxAttempts: 5", "maxAttempts: 1");
    expect(text(explain(noRetries, 5))).toContain(
      "one state at every load, so no trigger can leave a second one behind; above 10 req/s the queue grows without bound",
    );
    const over = text(explain(noRetries, 11));
    expect(over).toContain("At 11 req/s there is no healthy state");
    expect(over).toContain("What to do: Add capacity or shed load");
  });
});

describe("explainFluid's advice follows the loop the model found", () => {
  const catalog = (file: string) =>
    explainFluid(
      analyseScenarioFluid(
        parseScenarioText(
          readFileSync(join(import.meta.dirname, "..", "..", "scenarios", file), "utf8"),
          file,
        ),
      ),
    );

  it("a cache over a database: warm, coalesce, shed at the database; not a retry budget", () => {
    // cache-flush: 3000 req/s against a database of 600 connections that levels off at ~332 q/s:
    // after a flush the misses alone are about 9 x what it answers.
    const t = text(catalog("cache-flush.yaml"));
    const advice = t.split("\n").find((l) => l.startsWith("What to do"))!;
    expect(advice).toMatch(/the loop here is the cold cache, not retries/);
    expect(advice).toMatch(/every request misses, 9\.\d+ x what database "db" answers/);
    expect(advice).toMatch(/Warm the cache.*coalesce reads.*shed load at the database/);
    expect(advice).not.toMatch(/retry budget/);
  });

  it("a chain of services: the layers' retries multiply", () => {
    const advice = text(catalog("multi-tier-retry-storm.yaml"))
      .split("\n")
      .find((l) => l.startsWith("What to do"))!;
    expect(advice).toContain('3 x 3 x 3 = 27 attempts at "db" per request');
    expect(advice).toMatch(/retry at one layer only, put a retry budget on every layer/);
  });
});
