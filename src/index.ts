// Public API of the library. Layers: engine <- model <- metrics <- scenario <- analysis, fluid.

export { type AnalysedResult, analyseRun } from "./analysis/analyse-run.js";
export type { Verdict } from "./analysis/verdict.js";
export * from "./engine/index.js";
export {
  analyseFluid,
  analyseScenarioFluid,
  type FluidAnalysis,
  type FluidOptions,
} from "./fluid/analyse.js";
export type { Band, Equilibrium } from "./fluid/equilibria.js";
export { deriveFluidModel, type FluidModel } from "./fluid/fluid-model.js";
export { FluidRefusal } from "./fluid/fluid-refusal.js";
export { Histogram, type HistogramOptions } from "./metrics/histogram.js";
export { RunRecorder } from "./metrics/run-recorder.js";
export type { Backoff } from "./model/backoff/backoff.js";
export { type BackoffSpec, createBackoff } from "./model/backoff/create-backoff.js";
export type { Caller, ReplyStatus, Service } from "./model/call.js";
export { Client, type ClientOptions, type ClientStats } from "./model/components/client.js";
export { Server, type ServerOptions, type ServerStats } from "./model/components/server.js";
export { type RequestSink, Source, type SourceOptions, type SourceStats } from "./model/components/source.js";
export { createProfile, LoadProfile, type ProfileSpec } from "./model/load/profile.js";
export { CallQueue, HeldCall } from "./model/queue/call-queue.js";
export type { QueueDiscipline } from "./model/queue/queue-discipline.js";
export { buildModel } from "./scenario/build.js";
export { defineScenario, type ScenarioInput } from "./scenario/define-scenario.js";
export { scenarioJsonSchema } from "./scenario/json-schema.js";
export { type ParsedScenario, parseScenarioText } from "./scenario/parse.js";
export { BudgetExceededError, type RunScenarioOptions, runScenario } from "./scenario/run.js";
export type { PhaseStats, RunOutput, RunResult, RunSeries, RunTotals } from "./scenario/run-result.js";
export { formatIssue, ScenarioError, type ScenarioIssue } from "./scenario/scenario-error.js";
