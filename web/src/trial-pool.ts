import type { BatchOptions, TrialRequest } from "../../src/analysis/batch.js";
import type { TrialResult } from "../../src/analysis/trial.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import type { TrialJob, TrialReply } from "./trial-protocol.js";

/** Leave one core for the page; at most four workers (each holds a model in memory). */
export function poolSize(): number {
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
}

/** A trial plus, when asked, its full output for charts. */
export interface PoolResult {
  result: TrialResult;
  output: RunOutput | null;
}

/**
 * Runs trials of one scenario text on a pool of Web Workers. Results come back in request order
 * whatever order they finish in; aborting terminates the workers at once (a trial in progress
 * cannot otherwise be interrupted).
 */
export async function runOnPool(
  text: string,
  file: string,
  trials: (TrialRequest & { full?: boolean })[],
  options: BatchOptions & { size?: number; pool?: WorkerPool } = {},
): Promise<PoolResult[]> {
  const results: PoolResult[] = new Array(trials.length);
  if (trials.length === 0) return results;
  options.signal?.throwIfAborted();
  const own = options.pool ? null : new WorkerPool(Math.min(options.size ?? poolSize(), trials.length));
  const pool = (options.pool ?? own)!;
  const workers = pool.workers.slice(0, trials.length);
  let next = 0;
  let finished = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const abort = () => reject(options.signal!.reason ?? new DOMException("cancelled", "AbortError"));
      options.signal?.addEventListener("abort", abort, { once: true });
      const feed = (w: Worker) => {
        if (next >= trials.length) return;
        const t = trials[next]!;
        const job: TrialJob = {
          id: next++,
          text,
          file,
          spec: t.spec,
          seed: t.seed,
          ...(t.measureFrom !== undefined && { measureFrom: t.measureFrom }),
          full: t.full ?? false,
        };
        w.postMessage(job);
      };
      for (const w of workers) {
        w.onmessage = (e: MessageEvent<TrialReply>) => {
          const m = e.data;
          if ("error" in m) {
            reject(new Error(m.error));
            return;
          }
          results[m.id] = { result: m.result, output: m.output };
          options.onResult?.(m.id, m.result);
          if (++finished === trials.length) resolve();
          else feed(w);
        };
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`a trial worker failed: ${e.message}`));
        };
        feed(w);
      }
    });
  } catch (e) {
    // Workers may still be busy with a trial nobody wants: a shared pool cannot be reused.
    pool.close();
    throw e;
  } finally {
    own?.close();
  }
  return results;
}

/**
 * Workers kept between batches: an analysis that asks for many small batches (a threshold
 * bisection) would otherwise spend most of its time starting workers.
 */
export class WorkerPool {
  readonly workers: Worker[];

  constructor(size = poolSize()) {
    this.workers = Array.from(
      { length: size },
      () => new Worker(new URL("./trial-worker.ts", import.meta.url), { type: "module" }),
    );
  }

  close(): void {
    for (const w of this.workers) w.terminate();
  }
}
