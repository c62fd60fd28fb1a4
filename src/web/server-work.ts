import type { MessagePort } from "node:worker_threads";
import { analyseRun } from "../analysis/analyse-run.js";
import { SweepError } from "../analysis/param-path.js";
import { type Axis, planSweep, runSweepJobs, summariseSweep, sweepJobs } from "../analysis/sweep.js";
import { runTrial, type TrialResult } from "../analysis/trial.js";
import { ModelLimitError } from "../engine/limit-error.js";
import { parseScenarioText } from "../scenario/parse.js";
import { BudgetExceededError, startScenario } from "../scenario/run.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { CapExceededError, cappedBudgets, type RunCaps } from "./caps.js";

// The server's work, run on a worker thread so the event loop stays free for other requests and a
// request that goes away can be stopped by ending its thread. Everything crosses as plain data;
// the answer is already JSON text, so the main thread never stringifies megabytes.

/** POST /api/run: one scenario run, judged, with its series. */
export interface RunTask {
  kind: "run";
  text: string;
  file: string;
  seed?: number;
  caps: RunCaps;
  /** Date.now() by which the answer is due. */
  deadline: number;
}

/** POST /api/map: a phase map; progress lines go out on `port`. */
export interface MapTask {
  kind: "map";
  text: string;
  file: string;
  x: Axis;
  y: Axis;
  replications: number;
  caps: RunCaps;
  deadline: number;
  port: MessagePort;
}

/** What the port of a map carries: the plan once the scenario checks out, then progress. */
export type MapMessage = { planned: number } | { done: number; total: number };

/** An HTTP answer: status and JSON body. */
export interface WorkReply {
  status: number;
  body: string;
}

/** Runs one task of the server. */
export default async function serverWork(task: RunTask | MapTask): Promise<WorkReply> {
  try {
    return task.kind === "run" ? run(task) : await map(task);
  } catch (e) {
    return failure(e);
  } finally {
    if (task.kind === "map") task.port.close();
  }
}

function secondsLeft(deadline: number): number {
  const left = (deadline - Date.now()) / 1000;
  if (left <= 0) throw new OutOfTimeError();
  return left;
}

/** The request's wall-clock time ran out (waiting for a thread included). */
class OutOfTimeError extends Error {}

function run(task: RunTask): WorkReply {
  const parsed = parseScenarioText(task.text, task.file);
  const budgets = cappedBudgets(parsed, task.caps);
  const seed = task.seed !== undefined ? { seed: task.seed } : {};
  const wall = () => Math.min(budgets.maxWallSeconds, secondsLeft(task.deadline));
  const scenario = startScenario(parsed, { ...budgets, ...seed, maxWallSeconds: wall() });
  scenario.advance(scenario.end);
  const output = scenario.finish();
  // The control run (if the verdict needs one) gets what is left of the request's time.
  const { result } = analyseRun(parsed, output, {}, { ...budgets, maxWallSeconds: wall() });
  return { status: 200, body: JSON.stringify({ result, series: output.series }) };
}

async function map(task: MapTask): Promise<WorkReply> {
  const original = parseScenarioText(task.text, task.file);
  // Every trial of the map gets the per-run caps as its scenario limits.
  const parsed = { ...original, spec: { ...original.spec, limits: cappedBudgets(original, task.caps) } };
  const header = planSweep(parsed, task.x, task.y, task.replications);
  const jobs = sweepJobs(header);
  task.port.postMessage({ planned: jobs.length } satisfies MapMessage);
  const done = new Map<string, TrialResult>();
  let sent = 0;
  await runSweepJobs(
    parsed,
    header,
    jobs,
    async (trials, options = {}) =>
      trials.map((t, i) => {
        secondsLeft(task.deadline);
        const result = runTrial(parsed, t.spec, t.seed, t.measureFrom);
        options.onResult?.(i, result);
        return result;
      }),
    done,
    {
      onResult: () => {
        // A line per 1% is progress enough.
        if (done.size - sent >= Math.max(1, jobs.length / 100)) {
          sent = done.size;
          task.port.postMessage({ done: done.size, total: jobs.length } satisfies MapMessage);
        }
      },
    },
  );
  return { status: 200, body: JSON.stringify({ result: summariseSweep(header, done) }) };
}

function failure(e: unknown): WorkReply {
  const reply = (status: number, body: object) => ({ status, body: JSON.stringify(body) });
  if (e instanceof ScenarioError) return reply(400, { error: e.message, issues: e.issues.slice(0, 100) });
  if (e instanceof SweepError) return reply(400, { error: e.message });
  if (e instanceof CapExceededError || e instanceof BudgetExceededError || e instanceof ModelLimitError)
    return reply(413, { error: e.message });
  if (e instanceof OutOfTimeError) return reply(413, { error: "the request's wall-clock budget ran out" });
  return reply(500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
}
