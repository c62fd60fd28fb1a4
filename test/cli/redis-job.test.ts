import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TrialResult } from "../../src/analysis/trial.js";
import { checkQueueName, decodeTrialResult, encodeTrialResult, trialJobId } from "../../src/cli/redis-job.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TEXT = readFileSync(join(ROOT, "scenarios", "retry-storm.yaml"), "utf8");
const SPEC = parseScenarioText(TEXT, "retry-storm.yaml").spec;

describe("trial job ids", () => {
  it("depend on the spec, seed and measurement start, not on the file name or key order", () => {
    const id = trialJobId({ spec: SPEC, seed: 1 });
    expect(id).toMatch(/^trial-[0-9a-f]{32}$/);
    const renamed = parseScenarioText(`# a comment\n${TEXT}`, "elsewhere/copy.yaml").spec;
    expect(trialJobId({ spec: renamed, seed: 1 })).toBe(id);
    const reordered = Object.fromEntries(Object.entries(SPEC).reverse()) as typeof SPEC;
    expect(trialJobId({ spec: reordered, seed: 1 })).toBe(id);
    expect(trialJobId({ spec: SPEC, seed: 2 })).not.toBe(id);
    expect(trialJobId({ spec: SPEC, seed: 1, measureFrom: 30 })).not.toBe(id);
    expect(trialJobId({ spec: { ...SPEC, duration: SPEC.duration + 1 }, seed: 1 })).not.toBe(id);
  });

  it("queue names cannot hold BullMQ's key separator", () => {
    expect(checkQueueName("sweeps-2026.v1")).toBe("sweeps-2026.v1");
    expect(() => checkQueueName("a:b")).toThrow(
      '--queue must be 1-100 letters, digits, "_", "." or "-", got "a:b"',
    );
    expect(() => checkQueueName("")).toThrow("--queue");
  });
});

describe("trial results through BullMQ's JSON", () => {
  const through = (r: TrialResult) =>
    decodeTrialResult(JSON.parse(JSON.stringify(encodeTrialResult(r))), "job trial-x");

  it("come back exactly, NaN, infinities and -0 included", () => {
    const results: TrialResult[] = [
      {
        seed: 1,
        verdict: "recovered",
        stuck: false,
        goodputRatio: 0.1 + 0.2,
        timeToRecover: 12.25,
        healthyAtEnd: true,
        healthySince: 40,
      },
      {
        seed: 2,
        verdict: "metastable",
        stuck: true,
        goodputRatio: Number.NaN,
        timeToRecover: null,
        healthyAtEnd: false,
        healthySince: null,
      },
      {
        seed: 3,
        verdict: "stable",
        stuck: false,
        goodputRatio: -0,
        timeToRecover: Number.POSITIVE_INFINITY,
        healthyAtEnd: true,
        healthySince: 5,
      },
    ];
    for (const r of results) expect(Object.is(through(r).goodputRatio, r.goodputRatio)).toBe(true);
    expect(results.map(through)).toEqual(results);
  });

  it("refuses anything that is not a result", () => {
    expect(() => decodeTrialResult(null, "job trial-x")).toThrow(
      "job trial-x holds a result metastable cannot read",
    );
    expect(() =>
      decodeTrialResult(
        { seed: 1, verdict: "fine", stuck: false, goodputRatio: 1, timeToRecover: 0 },
        "job trial-x",
      ),
    ).toThrow("cannot read");
    expect(() =>
      decodeTrialResult(
        { seed: 1, verdict: "stable", stuck: false, goodputRatio: {}, timeToRecover: 0 },
        "job trial-x",
      ),
    ).toThrow("cannot read");
    expect(() =>
      decodeTrialResult(
        { seed: 1, verdict: "stable", stuck: false, goodputRatio: "1", timeToRecover: 0 },
        "job trial-x",
      ),
    ).toThrow("cannot read");
  });
});
