import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sequentialRunner, type TrialRequest } from "../../src/analysis/batch.js";
import { scaleLoad } from "../../src/analysis/scale-load.js";
import type { TrialResult } from "../../src/analysis/trial.js";
import { makeRunner } from "../../src/cli/runner.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

// The thread pool runs batches on its threads and on the calling thread at once; which thread ran a
// trial must not show in the results, their order, or the errors.
const file = new URL("../../scenarios/retry-storm.yaml", import.meta.url).pathname;
const text = readFileSync(file, "utf8");
const parsed = parseScenarioText(text, file);
const trials: TrialRequest[] = [0.3, 0.6, 1.2].flatMap((k) =>
  Array.from({ length: 12 }, (_, i) => ({
    spec: scaleLoad(parsed.spec, k),
    seed: 1 + i,
  })),
);

describe("the trial runner", () => {
  it("gives every trial the result one thread gives it, in request order, on 1 to 3 threads", async () => {
    const expected = await sequentialRunner(parsed)(trials);
    // Both verdicts occur, so a misplaced result would show.
    expect(new Set(expected.map((r) => r.stuck)).size).toBe(2);
    // The pool's threads join at once, after this thread's first batch, or never.
    const starts = [
      { aloneMs: 0, leftMs: 0 },
      { aloneMs: Number.POSITIVE_INFINITY, leftMs: Number.POSITIVE_INFINITY },
    ];
    for (const [workers, poolStart] of [1, 2, 3].flatMap((w) => starts.map((p) => [w, p] as const))) {
      const runner = makeRunner(parsed, text, file, { workers, quiet: true, poolStart });
      const seen: number[] = [];
      const got = await runner.run(trials, { onResult: (i: number, _r: TrialResult) => seen.push(i) });
      await runner.close();
      expect(got).toEqual(expected);
      expect([...seen].sort((a, b) => a - b)).toEqual(trials.map((_, i) => i));
    }
  });

  // Batches of 3 here: this thread takes trials 0-2 first, then starts the pool (told to start it
  // at once), whose thread takes trials 3-5.
  it.each([
    ["this thread", 1],
    ["the pool's thread", 4],
  ])("rejects with the trial's own message when a trial on %s cannot be built", async (_where, k) => {
    const bad = trials.map((t, i) => (i === k ? { ...t, spec: { ...t.spec, duration: -5 } } : t));
    const runner = makeRunner(parsed, text, file, {
      workers: 2,
      quiet: true,
      poolStart: { aloneMs: 0, leftMs: 0 },
    });
    try {
      await expect(runner.run(bad)).rejects.toThrow(/duration/);
    } finally {
      await runner.close();
    }
  });
});
