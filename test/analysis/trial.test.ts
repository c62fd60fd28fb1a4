import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseRun, controlSpec } from "../../src/analysis/analyse-run.js";
import { healthRule, judgeWindows } from "../../src/analysis/health.js";
import { scaleLoad } from "../../src/analysis/scale-load.js";
import { runTrial, summariseTrial } from "../../src/analysis/trial.js";
import { judge } from "../../src/analysis/verdict.js";
import { resolveSettings } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";

const dir = "scenarios";
const catalog = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const load = (f: string) => parseScenarioText(readFileSync(`${dir}/${f}`, "utf8"), f);

describe("a trial records only what its verdict reads", () => {
  // The lean record must judge exactly as a full run does, on every kind of component the catalog
  // has (loop-state gauges, lease fleets, databases, pools), at loads on both sides of tipping.
  it.each(catalog)("%s: the lean trial equals the trial of a fully recorded run", (file) => {
    const parsed = load(file);
    for (const k of [0.7, 1.3]) {
      const spec = scaleLoad(parsed.spec, k);
      const variant = { ...parsed, spec };
      const full = summariseTrial(variant, runScenario(variant, { seed: 3 }));
      expect(runTrial(parsed, spec, 3)).toEqual(full);
    }
  });

  it("the lean record leaves out per-component series and latency detail", () => {
    const parsed = load("retry-storm.yaml");
    const lean = runScenario(parsed, { seed: 1, detail: "verdict" });
    const full = runScenario(parsed, { seed: 1 });
    expect(lean.series.totalQueue).toEqual(full.series.totalQueue);
    expect(lean.series.goodput).toEqual(full.series.goodput);
    expect(lean.result.latency).toEqual(full.result.latency);
    expect(lean.series.latencyP99).toEqual([]);
    expect(lean.series.latencyHistogram).toEqual([]);
    expect(lean.series.queueDepth.server).toEqual([]);
    expect(full.series.queueDepth.server!.length).toBe(full.series.probeTimes.length);
    expect(lean.result.phases.every((p) => p.latencyP99 === null)).toBe(true);
  });
});

describe("a control run records only what the health rule reads", () => {
  const judgedAlike = (parsed: ReturnType<typeof load>, seed: number) => {
    const control = { ...parsed, spec: controlSpec(parsed.spec) };
    const rule = healthRule(resolveSettings(parsed).health);
    const full = runScenario(control, { seed });
    const sparse = runScenario(control, { seed, detail: "health" });
    expect(judgeWindows(sparse, rule)).toEqual(judgeWindows(full, rule));
    // The probes it takes read what the full grid read there.
    const taken = sparse.series.totalQueue.flatMap((q, k) => (Number.isNaN(q) ? [] : [k]));
    // The first probe, one per window (its last) and the last of the run.
    expect(taken.length).toBeLessThanOrEqual(full.series.windowStarts.length + 2);
    for (const k of taken) expect(sparse.series.totalQueue[k]).toBe(full.series.totalQueue[k]);
    expect(sparse.series.totalQueue.length).toBe(full.series.totalQueue.length);
  };

  // With a lease fleet every probe is taken (its healthy share is a mean over all of them).
  it.each(catalog.filter((f) => !load(f).spec.leaseFleets))("%s", (file) => {
    judgedAlike(load(file), 2);
  });

  it("even arrivals that land on the probe grid are seen in the same order", () => {
    // 10 req/s even arrivals fall on the 0.1 s probe grid; windows of 0.7 s end between probes.
    const text = [
      "name: ties",
      "duration: 30",
      "probeInterval: 0.1",
      "window: 0.7",
      "health: { minRequests: 100 }",
      "sources:",
      "  users: { target: client, arrivals: even, profile: { kind: steps, steps: [{ at: 0, rate: 10 }, { at: 10, rate: 30 }, { at: 12, rate: 10 }] } }",
      "clients:",
      "  client: { target: server, timeout: 1, maxAttempts: 3 }",
      "servers:",
      "  server: { concurrency: 1, serviceTime: { kind: constant, value: 0.1 } }",
    ].join("\n");
    judgedAlike(parseScenarioText(text, "ties.yaml"), 1);
  });
});

describe("the control run", () => {
  it("is not run for a run that never showed trouble", () => {
    const parsed = load("retry-storm.yaml");
    // At a tenth of the load the spike (20 req/s x 0.1 = 2 req/s) is absorbed: stable, no control needed.
    const spec = scaleLoad(parsed.spec, 0.1);
    const output = runScenario({ ...parsed, spec }, { seed: 1 });
    const judged = judge(output, {}, () => {
      throw new Error("the control run should not be needed");
    });
    expect(judged.verdict.kind).toBe("stable");
  });

  it("is run once, and decides metastable against unstable", () => {
    const parsed = load("retry-storm.yaml");
    const output = runScenario(parsed, { seed: 1 });
    let runs = 0;
    const control = runScenario({ ...parsed, spec: controlSpec(parsed.spec) }, { seed: 1 });
    const v = judge(output, {}, () => {
      runs++;
      return control;
    }).verdict;
    expect(runs).toBe(1);
    expect(v.kind).toBe("metastable");
    // The same stuck run judged against a control that is stuck too is unstable.
    expect(judge(output, {}, () => output).verdict.kind).toBe("unstable");
    expect(analyseRun(parsed, output).verdict.kind).toBe("metastable");
  });
});
