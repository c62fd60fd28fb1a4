// Runs single trials for the analysis views (maps, thresholds, comparisons); a pool of these
// workers shares the work, and cancelling is terminating them.
import { analyseRun } from "../../src/analysis/analyse-run.js";
import { runTrial, summariseTrial } from "../../src/analysis/trial.js";
import { type ParsedScenario, parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import { forDisplay } from "./coarsen.js";
import type { TrialJob, TrialReply } from "./trial-protocol.js";

const post = (m: TrialReply) => (self as unknown as { postMessage(m: TrialReply): void }).postMessage(m);
// The scenario every job of a batch varies; parsed once per text.
let cached: { text: string; parsed: ParsedScenario } | null = null;

self.onmessage = (event: MessageEvent<TrialJob>) => {
  const job = event.data;
  try {
    if (cached?.text !== job.text) cached = { text: job.text, parsed: parseScenarioText(job.text, job.file) };
    const parsed = cached.parsed;
    if (job.full) {
      // A comparison also draws the run, so it keeps the whole output.
      const variant = { ...parsed, spec: job.spec };
      const output = runScenario(variant, { seed: job.seed });
      const analysed = { ...output, result: analyseRun(variant, output).result };
      // Judged on the full series; sent coarsened, as the page only draws it.
      const result = summariseTrial(variant, output, job.measureFrom);
      post({ id: job.id, result, output: { ...analysed, series: forDisplay(analysed, null).output.series } });
    } else post({ id: job.id, result: runTrial(parsed, job.spec, job.seed, job.measureFrom), output: null });
  } catch (e) {
    post({ id: job.id, error: (e as Error)?.message ?? String(e) });
  }
};
