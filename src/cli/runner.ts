import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { BatchOptions, BatchRunner, TrialRequest } from "../analysis/batch.js";
import { runTrial, type TrialResult } from "../analysis/trial.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { compiledFile } from "./compiled-file.js";
import { makeProgress, type Progress } from "./progress.js";
import { redisRunner } from "./redis-runner.js";
import { INPUT_ERRORS, type TrialJob, type TrialReply } from "./trial-worker.js";
import { UsageError } from "./usage-error.js";

/** Flags every batch command shares (map, threshold, compare). */
export interface RunnerFlags {
  /** Worker threads; 1 runs in this thread. Default: os.availableParallelism(). */
  workers?: number;
  /** No progress on stderr. */
  quiet?: boolean;
  /** Redis URL: trials run as BullMQ jobs on `metastable worker` processes instead of here. */
  redis?: string;
  /** Queue on that Redis. Default "metastable". */
  queue?: string;
}

/** A BatchRunner that holds resources (threads, a progress bar): close it when done. */
export interface TrialRunner {
  run: BatchRunner;
  close(): Promise<void>;
}

/**
 * The one place that picks how trials run: in this thread, or on a pool of worker threads.
 * Another back end (a queue of remote workers) plugs in here behind the same BatchRunner.
 */
export function makeRunner(
  parsed: ParsedScenario,
  scenarioText: string,
  file: string,
  flags: RunnerFlags,
  log: (s: string) => void = (s) => void process.stderr.write(s),
  label = "trials",
): TrialRunner {
  const workers = flags.workers ?? availableParallelism();
  const progress = makeProgress(label, flags.quiet ?? false, log);
  if (flags.redis !== undefined) {
    if (flags.workers !== undefined)
      throw new UsageError(
        "--workers is for threads here; with --redis, give `metastable worker` --concurrency",
      );
    const run = redisRunner(scenarioText, file, {
      url: flags.redis,
      ...(flags.queue !== undefined && { queue: flags.queue }),
      log: (line) => log(`${line}\n`),
    });
    return { run: counted(run, progress), close: async () => progress.stop() };
  }
  if (flags.queue !== undefined) throw new UsageError("--queue names a queue on Redis: give --redis too");
  if (workers <= 1)
    return { run: counted(inProcessRunner(parsed), progress), close: async () => progress.stop() };
  const pool = new Piscina({
    filename: compiledFile("cli/trial-worker-entry.cjs"),
    minThreads: workers,
    maxThreads: workers,
  });
  return {
    run: counted(poolRunner(pool, scenarioText, file), progress),
    close: async () => {
      progress.stop();
      await pool.destroy();
    },
  };
}

function counted(run: BatchRunner, progress: Progress): BatchRunner {
  return (trials, options = {}) => {
    progress.add(trials.length);
    return run(trials, {
      ...options,
      onResult: (i, r) => {
        progress.tick();
        options.onResult?.(i, r);
      },
    });
  };
}

/** Runs trials one at a time here, yielding between them so Ctrl-C and progress get through. */
function inProcessRunner(parsed: ParsedScenario): BatchRunner {
  return async (trials, options = {}) => {
    const results: TrialResult[] = [];
    for (const [i, t] of trials.entries()) {
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      const result = runTrial(parsed, t.spec, t.seed, t.measureFrom);
      results.push(result);
      options.onResult?.(i, result);
    }
    return results;
  };
}

/** Runs every trial of a batch on the pool; results are placed by request index, never by finishing order. */
function poolRunner(pool: Piscina, text: string, file: string): BatchRunner {
  return async (trials: TrialRequest[], options: BatchOptions = {}) => {
    const results: TrialResult[] = new Array(trials.length);
    const failed = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
    // Each queued task listens for the abort: thousands of listeners are expected here.
    setMaxListeners(0, signal);
    try {
      await Promise.all(
        trials.map(async (t, i) => {
          const job: TrialJob = { text, file, ...t };
          const reply = (await pool.run(job, { signal })) as TrialReply;
          if ("error" in reply) {
            const { name, message } = reply.error;
            throw INPUT_ERRORS.has(name) ? new UsageError(message) : new Error(`${name}: ${message}`);
          }
          results[i] = reply.result;
          options.onResult?.(i, reply.result);
        }),
      );
    } catch (e) {
      failed.abort();
      options.signal?.throwIfAborted();
      throw e;
    }
    return results;
  };
}
