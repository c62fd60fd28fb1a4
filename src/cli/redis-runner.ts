import type { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { BatchOptions, BatchRunner, TrialRequest } from "../analysis/batch.js";
import type { TrialResult } from "../analysis/trial.js";
import { buildIdentity } from "./build-identity.js";
import { checkRedis, openRedis, RedisUnreachableError, redactUrl } from "./redis-connection.js";
import {
  checkQueueName,
  DEFAULT_QUEUE,
  decodeTrialResult,
  METASTABLE_VERSION,
  type RedisTrialJob,
  trialJobId,
} from "./redis-job.js";
import { INPUT_ERRORS } from "./trial-worker.js";
import { UsageError } from "./usage-error.js";

/** Where the trials go and how long to wait for Redis. */
export interface RedisRunnerOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  url: string;
  /** Queue name; `metastable worker --queue` must use the same. Default "metastable". */
  queue?: string;
  /** Seconds Redis may stay unreachable in the middle of a batch before the batch fails. Default 30. */
  lostAfter?: number;
  /** Seconds between checks of the jobs still awaited (a backstop for missed events). Default 2. */
  checkEvery?: number;
  /** Notes for the user (no worker connected yet), one line each. Default: nothing. */
  log?: (line: string) => void;
}

/** Tries per job before the batch fails, and the first retry delay (doubling each time). */
const ATTEMPTS = 3;
const BACKOFF_MS = 1000;
/** Finished jobs are kept this long so reruns and other sweeps reuse their results. */
const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * A BatchRunner that runs each trial as a BullMQ job on Redis, done by `metastable worker`
 * processes anywhere that can reach it. Job ids derive from what the result depends on
 * (trialJobId), so a trial already done, queued or running is awaited, not run again; results come
 * back in request order, and equal the in-process ones exactly. Workers that die mid-job lose
 * nothing: BullMQ hands stalled jobs to another worker, and failed ones are retried.
 */
export function redisRunner(text: string, file: string, options: RedisRunnerOptions): BatchRunner {
  const queueName = checkQueueName(options.queue ?? DEFAULT_QUEUE);
  return async (trials, batch = {}) => {
    if (trials.length === 0) return [];
    await checkRedis(options.url);
    const jobs = trials.map((t) => ({ id: trialJobId(t), data: jobData(text, file, t) }));
    const { Queue, QueueEvents } = await import("bullmq");
    const conn = await openRedis(options.url);
    const eventsConn = await openRedis(options.url);
    const queue = new Queue<RedisTrialJob>(queueName, { connection: conn });
    queue.on("error", () => {}); // connection errors surface through the watchdog below
    let events: QueueEvents | undefined;
    try {
      // Listen from the stream's current end, so no completion between enqueueing and listening is missed.
      const last = await conn.xrevrange(queue.keys.events!, "+", "-", "COUNT", 1);
      events = new QueueEvents(queueName, { connection: eventsConn, lastEventId: last[0]?.[0] ?? "0-0" });
      events.on("error", () => {});
      return await new BatchWait(queue, events, conn, jobs, options, batch).run();
    } finally {
      // Closing waits on Redis; with Redis gone it would wait forever, so give it 2 s.
      const closed = Promise.all([events?.close(), queue.close()]).catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      conn.disconnect();
      eventsConn.disconnect();
    }
  };
}

function jobData(text: string, file: string, t: TrialRequest): RedisTrialJob {
  return {
    version: METASTABLE_VERSION,
    build: buildIdentity(),
    text,
    file,
    spec: t.spec,
    seed: t.seed,
    ...(t.measureFrom !== undefined && { measureFrom: t.measureFrom }),
  };
}

/** One batch in flight: enqueues the missing jobs and collects results by event and by periodic check. */
class BatchWait {
  private readonly results: (TrialResult | undefined)[];
  /** Request indices of each job still awaited. */
  private readonly pending = new Map<string, number[]>();
  /** Set after the first look at the jobs: a failure seen then is an earlier batch's, and is retried. */
  private looked = false;
  private resolve!: (r: TrialResult[]) => void;
  private reject!: (e: unknown) => void;
  private done = false;
  private warnedNoWorkers = false;

  constructor(
    private readonly queue: Queue<RedisTrialJob>,
    private readonly events: QueueEvents,
    private readonly conn: Redis,
    private readonly jobs: { id: string; data: RedisTrialJob }[],
    private readonly options: RedisRunnerOptions,
    private readonly batch: BatchOptions,
  ) {
    this.results = new Array(jobs.length);
    for (const [i, j] of jobs.entries()) this.pending.set(j.id, [...(this.pending.get(j.id) ?? []), i]);
  }

  run(): Promise<TrialResult[]> {
    const finished = new Promise<TrialResult[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const signal = this.batch.signal;
    const onAbort = () => this.fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    this.events.on("completed", ({ jobId, returnvalue }) => {
      if (this.pending.has(jobId)) this.settle(jobId, returnvalue);
    });
    this.events.on("failed", ({ jobId }) => {
      // Before the first look is done, that look or the next periodic check sees the failure.
      if (this.looked && this.pending.has(jobId)) void this.check([jobId]).catch((e) => this.fail(e));
    });
    const watchdog = this.watchdog();
    // The first look (after enqueueing) runs alone; periodic checks wait until it is done.
    let checking = true;
    const every = setInterval(
      () => {
        if (checking || this.done) return;
        checking = true;
        this.check([...this.pending.keys()])
          .then(() => this.noteIfNoWorkers())
          .catch((e) => this.fail(e))
          .finally(() => {
            checking = false;
          });
      },
      (this.options.checkEvery ?? 2) * 1000,
    );
    this.enqueue()
      .then(() => this.check([...this.pending.keys()]))
      .then(() => {
        this.looked = true;
        checking = false;
      })
      .catch((e) => this.fail(e));
    return finished.finally(() => {
      clearInterval(every);
      clearInterval(watchdog);
      signal?.removeEventListener("abort", onAbort);
    });
  }

  /** Adds every distinct job; BullMQ leaves an existing id untouched, whatever its state. */
  private async enqueue(): Promise<void> {
    const distinct = [...new Map(this.jobs.map((j) => [j.id, j])).values()];
    for (let i = 0; i < distinct.length && !this.done; i += 200) {
      await this.queue.addBulk(
        distinct.slice(i, i + 200).map((j) => ({ name: "trial", data: j.data, opts: this.jobOptions(j.id) })),
      );
    }
  }

  private jobOptions(jobId: string) {
    return {
      jobId,
      attempts: ATTEMPTS,
      backoff: { type: "exponential" as const, delay: BACKOFF_MS },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    };
  }

  /** Looks up the state of some awaited jobs: takes finished results, retries old failures, re-adds lost jobs. */
  private async check(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length && !this.done; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const states = await Promise.all(chunk.map((id) => this.queue.getJobState(id)));
      for (const [k, id] of chunk.entries()) {
        if (!this.pending.has(id) || this.done) continue;
        const state = states[k];
        if (state === "completed" || state === "failed") {
          const job = await this.queue.getJob(id);
          if (!job) continue; // removed between the two calls: the next check re-adds it
          if (state === "completed") this.settle(id, job.returnvalue);
          else await this.failed(job);
        } else if (state === "unknown") {
          // Removed (expired, or the queue was cleaned) before we saw its result: add it again.
          const j = this.jobs.find((x) => x.id === id)!;
          await this.queue.add("trial", j.data, this.jobOptions(id));
        }
      }
    }
  }

  private async failed(job: Job<RedisTrialJob>): Promise<void> {
    const id = job.id!;
    if (!this.looked) {
      // Failed in an earlier batch (a worker bug since fixed, a lost machine): give it fresh attempts.
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      return;
    }
    const { seed } = job.data;
    const reason = job.failedReason || "no reason recorded";
    const what = `trial seed ${seed} (job ${id}) failed after ${job.attemptsMade} attempt(s): ${reason}`;
    this.fail(INPUT_ERRORS.has(/^(\w+):/.exec(reason)?.[1] ?? "") ? new UsageError(what) : new Error(what));
  }

  private settle(id: string, returnvalue: unknown): void {
    const indices = this.pending.get(id);
    if (!indices || this.done) return;
    let result: TrialResult;
    try {
      result = decodeTrialResult(returnvalue, `job ${id}`);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.pending.delete(id);
    for (const i of indices) {
      this.results[i] = result;
      this.batch.onResult?.(i, result);
    }
    if (this.pending.size === 0) {
      this.done = true;
      this.resolve(this.results as TrialResult[]);
    }
  }

  private fail(e: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reject(e);
  }

  /** Fails the batch when Redis stays unreachable; commands would otherwise wait for it forever. */
  private watchdog(): NodeJS.Timeout {
    let downSince: number | undefined;
    const limit = (this.options.lostAfter ?? 30) * 1000;
    return setInterval(() => {
      if (this.conn.status === "ready") {
        downSince = undefined;
        return;
      }
      downSince ??= Date.now();
      if (Date.now() - downSince > limit)
        this.fail(
          new RedisUnreachableError(
            `lost Redis at ${redactUrl(this.options.url)} for more than ${limit / 1000} s; finished trials stay in the queue, so rerunning resumes`,
          ),
        );
    }, 500);
  }

  /** Says once when nothing consumes the queue, so a forgotten worker is not mistaken for a slow sweep. */
  private async noteIfNoWorkers(): Promise<void> {
    if (this.warnedNoWorkers || !this.options.log || this.done) return;
    const workers = await this.queue.getWorkersCount().catch(() => -1); // CLIENT LIST may be disabled
    if (workers !== 0) return;
    this.warnedNoWorkers = true;
    const url = redactUrl(this.options.url);
    this.options.log(
      `no worker is connected to queue "${this.queue.name}" at ${url}; start some with: metastable worker --redis ${url}${this.queue.name === DEFAULT_QUEUE ? "" : ` --queue ${this.queue.name}`}`,
    );
  }
}
