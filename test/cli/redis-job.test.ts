import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TrialResult } from "../../src/analysis/trial.js";
import { buildIdentity } from "../../src/cli/build-identity.js";
import {
  checkQueueName,
  decodeTrialResult,
  encodeTrialResult,
  METASTABLE_VERSION,
  trialJobId,
} from "../../src/cli/redis-job.js";
import processTrialJob from "../../src/cli/redis-processor.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { cli } from "./cli-harness.js";

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

  // Once keyed by the package version only: after a code change, Redis answered with the old code's results for 7 days.
  it("depend on the build of the code, and a worker refuses a job of another build", async () => {
    expect(buildIdentity()).toMatch(/^[0-9a-f]{16}$/);
    expect(trialJobId({ spec: SPEC, seed: 1 })).toBe(trialJobId({ spec: SPEC, seed: 1 }, buildIdentity()));
    expect(trialJobId({ spec: SPEC, seed: 1 }, "0123456789abcdef")).not.toBe(
      trialJobId({ spec: SPEC, seed: 1 }),
    );
    const job = {
      id: "trial-x",
      data: {
        version: METASTABLE_VERSION,
        build: "0123456789abcdef",
        text: TEXT,
        file: "f",
        spec: SPEC,
        seed: 1,
      },
    };
    const refused = await processTrialJob(job as never).catch((e: Error) => e);
    expect((refused as Error).name).toBe("UnrecoverableError");
    expect((refused as Error).message).toMatch(
      /another build of metastable \(0123456789abcdef; this worker runs [0-9a-f]{16}\)/,
    );
  });

  // Once one thread per queued job.
  it("worker --concurrency is bounded by the machine", async () => {
    const r = await cli("worker", "--redis", "redis://127.0.0.1:1", "--concurrency", "1000000000");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concurrency must be an integer from 1 to \d+ \(four threads per core/);
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
