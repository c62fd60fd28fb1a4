import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { BatchOptions, BatchRunner, TrialRequest } from "../analysis/batch.js";
import { runTrial, type TrialResult } from "../analysis/trial.js";
import { compiledFile } from "../files/compiled-file.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { makeProgress, type Progress } from "./progress.js";
import { redisRunner } from "./redis-runner.js";
import { INPUT_ERRORS, type TrialBatch, type TrialReply } from "./trial-worker.js";
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
  /** When the pool's threads start (tests set both to 0 to start them at once). Default: POOL_START. */
  poolStart?: PoolStart;
}

/**
 * The pool's threads start once this thread has worked alone for `aloneMs` and the batch in hand
 * would keep it busy `leftMs` longer at its recent pace. Each thread is a V8 isolate to start and
 * warm up (compiling the trial code again), which on this project's 2-core machine costs about as
 * much as the 4,000 trials of a 4.5 s map save: shorter work is done sooner by this thread alone.
 */
export interface PoolStart {
  aloneMs: number;
  leftMs: number;
}

/**
 * Measured on the 2-core VM (BENCHMARKS.md): with 2 workers a 2,000-trial map (2.6 s on one thread)
 * took 2.9 s, a 4,000-trial one about as long as on one thread, a 16,000-trial one 1.5x less. The
 * first second is slow (cold code), so the pace is read after it.
 */
export const POOL_START: PoolStart = { aloneMs: 1000, leftMs: 4000 };

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
  // This thread is one of the workers: it would otherwise only wait for replies, and each thread
  // of the pool is one more V8 isolate to start (about 0.3 s of CPU and 45 MB) and to warm up.
  let pool: Piscina | null = null;
  const startPool = () =>
    (pool ??= new Piscina({
      filename: compiledFile("cli/trial-worker-entry.cjs"),
      minThreads: workers - 1,
      maxThreads: workers - 1,
    }));
  const run = poolRunner(startPool, parsed, scenarioText, file, workers, flags.poolStart ?? POOL_START);
  return {
    run: counted(run, progress),
    close: async () => {
      progress.stop();
      await (pool as Piscina | null)?.destroy();
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
    const results: TrialResult[] = new Array(trials.length);
    await runHere(parsed, trials, 0, trials.length, results, options);
    return results;
  };
}

/** Runs trials start..end-1 here into `results`, yielding before each one. */
async function runHere(
  parsed: ParsedScenario,
  trials: readonly TrialRequest[],
  start: number,
  end: number,
  results: TrialResult[],
  options: BatchOptions,
  signal = options.signal,
): Promise<void> {
  for (let i = start; i < end; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    const t = trials[i]!;
    const result = runTrial(parsed, t.spec, t.seed, t.measureFrom);
    results[i] = result;
    options.onResult?.(i, result);
  }
}

// Trials go out in batches of up to this many: one message per trial cost about a tenth of a
// trial on the main thread and in the worker. About 8 batches per worker are left for the slowest
// trials to balance over.
const BATCH_MAX = 16;
const BATCHES_PER_WORKER = 8;

/**
 * Runs every trial of a batch on this thread and, once the work left is worth it (PoolStart), on
 * the pool's threads too, each taking the next batch when it is free. Results are placed by
 * request index, never by finishing order, so they are the same whichever thread ran a trial.
 */
function poolRunner(
  startPool: () => Piscina,
  parsed: ParsedScenario,
  text: string,
  file: string,
  workers: number,
  when: PoolStart,
): BatchRunner {
  let aloneMs = 0;
  let started = false;
  return async (trials: TrialRequest[], options: BatchOptions = {}) => {
    const results: TrialResult[] = new Array(trials.length);
    const failed = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
    // Each queued task listens for the abort: thousands of listeners are expected here.
    setMaxListeners(0, signal);
    const size = Math.max(1, Math.min(BATCH_MAX, Math.ceil(trials.length / (workers * BATCHES_PER_WORKER))));
    let next = 0;
    const take = (): [number, number] | null => {
      if (next >= trials.length || signal.aborted) return null;
      const start = next;
      next = Math.min(start + size, trials.length);
      return [start, next];
    };
    // The first lane to fail stops the others; its error is the batch's.
    let error: { reason: unknown } | null = null;
    const lanes: Promise<void>[] = [];
    const lane = (work: () => Promise<void>) =>
      lanes.push(
        work().catch((e) => {
          error ??= { reason: e };
          failed.abort();
        }),
      );
    const remote = async () => {
      const pool = startPool();
      for (let range = take(); range; range = take()) {
        const [start, end] = range;
        const replies = (await pool.run(batchOf(text, file, trials, start, end), { signal })) as TrialReply[];
        replies.forEach((reply, k) => {
          if ("error" in reply) {
            const { name, message } = reply.error;
            throw INPUT_ERRORS.has(name) ? new UsageError(message) : new Error(`${name}: ${message}`);
          }
          results[start + k] = reply.result;
          options.onResult?.(start + k, reply.result);
        });
      }
    };
    const joinPool = () => {
      started = true;
      for (let k = 1; k < workers; k++) lane(remote);
    };
    const local = async () => {
      if (started) joinPool();
      for (let range = take(); range; range = take()) {
        const t0 = performance.now();
        await runHere(parsed, trials, range[0], range[1], results, options, signal);
        if (started) continue;
        const ms = performance.now() - t0;
        aloneMs += ms;
        const leftMs = (ms / (range[1] - range[0])) * (trials.length - next);
        if (aloneMs >= when.aloneMs && leftMs >= when.leftMs) joinPool();
      }
    };
    lane(local);
    // Lanes may join while the first ones run: wait for every lane there is.
    for (let i = 0; i < lanes.length; i++) await lanes[i];
    if (error) {
      options.signal?.throwIfAborted();
      throw (error as { reason: unknown }).reason;
    }
    return results;
  };
}

/** Trials start..end-1 as one message, each distinct spec (by identity) sent once. */
function batchOf(text: string, file: string, trials: TrialRequest[], start: number, end: number): TrialBatch {
  const specs: TrialBatch["specs"] = [];
  const index = new Map<TrialRequest["spec"], number>();
  const items: TrialBatch["trials"] = [];
  for (let i = start; i < end; i++) {
    const t = trials[i]!;
    let k = index.get(t.spec);
    if (k === undefined) {
      k = specs.push(t.spec) - 1;
      index.set(t.spec, k);
    }
    items.push({ spec: k, seed: t.seed, ...(t.measureFrom !== undefined && { measureFrom: t.measureFrom }) });
  }
  return { text, file, specs, trials: items };
}
