import { hostname } from "node:os";
import { type Command, InvalidArgumentError, Option } from "commander";
import { compiledFile } from "../files/compiled-file.js";
import { checkRedis, openRedis, redactUrl } from "./redis-connection.js";
import { checkQueueName, DEFAULT_QUEUE, type EncodedTrialResult, type RedisTrialJob } from "./redis-job.js";
import { threadCount } from "./thread-count.js";
import { UsageError } from "./usage-error.js";

function number(name: string, min: number, integer: boolean) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(
        `${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got "${value}"`,
      );
    return n;
  };
}

/** `--redis URL`: run the batch's trials on `metastable worker` processes through Redis. */
export function redisOption(): Option {
  return new Option(
    "--redis <url>",
    "run trials as jobs on this Redis (e.g. redis://127.0.0.1:6379) for `metastable worker` processes",
  );
}

/** `--queue NAME`: which queue on that Redis. */
export function queueOption(): Option {
  return new Option("--queue <name>", `queue on the Redis of --redis (default "${DEFAULT_QUEUE}")`);
}

/** Adds `metastable worker` to the program. */
export function addWorkerCommand(program: Command, out: (s: string) => void): void {
  program
    .command("worker")
    .description("Run trials queued on Redis by map, compare or threshold with --redis, until stopped.")
    .requiredOption("--redis <url>", "Redis URL, e.g. redis://127.0.0.1:6379")
    .addOption(queueOption())
    .addOption(
      new Option("--concurrency <n>", "trials at once, each in its own thread (default 1)").argParser(
        threadCount("--concurrency"),
      ),
    )
    .addOption(
      new Option("--idle-exit <seconds>", "exit once the queue has had nothing to do this long").argParser(
        number("--idle-exit", 0, false),
      ),
    )
    .option("--once", "exit as soon as the queue has nothing to do")
    .addOption(
      new Option(
        "--lock-seconds <s>",
        "seconds before a silent worker's job goes to another worker (default 30)",
      ).argParser(number("--lock-seconds", 1, false)),
    )
    .addHelpText(
      "after",
      `
Stop with Ctrl-C or SIGTERM: running trials finish first. Examples:
  metastable worker --redis redis://127.0.0.1:6379 --concurrency 2
  metastable worker --redis redis://queue.example:6379 --once      (a batch job: exit when drained)
`,
    )
    .action((flags: WorkerFlags) => workerCommand(flags, out));
}

/** Flags of `metastable worker`. */
export interface WorkerFlags {
  redis: string;
  /** Queue to consume. Default "metastable". */
  queue?: string;
  /** Trials run at once, each in its own thread. Default 1. */
  concurrency?: number;
  /** Exit once the queue has had nothing to do for this many seconds. Default: run until signalled. */
  idleExit?: number;
  /** Exit as soon as the queue has nothing to do (--idle-exit 0). */
  once?: boolean;
  /** Seconds a job stays claimed without a heartbeat before another worker takes it over. Default 30. */
  lockSeconds?: number;
}

/** What the command listens to for a clean stop; tests pass their own emitter. */
export interface StopSignals {
  once(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  off(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

/**
 * `metastable worker --redis URL`: takes trial jobs off the queue and runs them until SIGINT or
 * SIGTERM (which let running trials finish), or until the queue stays idle for --idle-exit seconds.
 */
export async function workerCommand(
  flags: WorkerFlags,
  print: (s: string) => void,
  signals: StopSignals = process,
): Promise<void> {
  const queueName = checkQueueName(flags.queue ?? DEFAULT_QUEUE);
  const concurrency = flags.concurrency ?? 1;
  if (flags.once && flags.idleExit !== undefined)
    throw new UsageError("--once is --idle-exit 0; give one or the other");
  const idleExit = flags.once ? 0 : flags.idleExit;
  const lockMs = (flags.lockSeconds ?? 30) * 1000;
  await checkRedis(flags.redis);
  const url = redactUrl(flags.redis);
  let lastNote = "";
  const note = (e: Error) => {
    // Reconnects repeat the same error; say it once per change.
    if (e.message !== lastNote) print(`worker: Redis at ${url}: ${e.message}\n`);
    lastNote = e.message;
  };
  const { Queue, Worker } = await import("bullmq"); // loaded only by commands that use Redis
  const conn = await openRedis(flags.redis, note);
  const worker = new Worker<RedisTrialJob, EncodedTrialResult>(
    queueName,
    compiledFile("cli/redis-processor.js"),
    {
      connection: conn,
      concurrency,
      useWorkerThreads: true,
      lockDuration: lockMs,
      // Look for jobs of dead workers as often as a lock can expire.
      stalledInterval: lockMs,
      // A job that has outlived two workers is probably what kills them: the third stall fails it.
      maxStalledCount: 2,
      // Shown as the job's processedBy and in CLIENT LIST, so an operator can tell workers apart.
      name: `${hostname()}-${process.pid}`,
    },
  );
  const queue = new Queue(queueName, { connection: conn });
  worker.on("error", note);
  queue.on("error", note);
  // Ids of the jobs this worker is running (a set, because "failed" also fires for stalled jobs it never ran).
  const running = new Set<string>();
  let done = 0;
  let failed = 0;
  worker.on("active", (job) => running.add(job.id!));
  worker.on("completed", (job) => {
    running.delete(job.id!);
    done++;
  });
  worker.on("stalled", (jobId) =>
    print(`worker: job ${jobId} stalled (its worker stopped answering); it is back in the queue\n`),
  );
  worker.on("failed", (job, err) => {
    if (job) running.delete(job.id!);
    failed++;
    print(`worker: job ${job?.id ?? "?"} (seed ${job?.data.seed ?? "?"}) failed: ${err.message}\n`);
  });

  print(
    `worker: queue "${queueName}" at ${url}, ${concurrency} at a time${idleExit === undefined ? "" : `, exits after ${idleExit} s idle`}\n`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(idleTimer);
      signals.off("SIGINT", onSignal);
      signals.off("SIGTERM", onSignal);
      print(`worker: ${why}; finishing running trials\n`);
      resolve();
    };
    const onSignal = () => stop("signal received");
    signals.once("SIGINT", onSignal);
    signals.once("SIGTERM", onSignal);
    let idleSince: number | undefined;
    let looking = false;
    const idleTimer = setInterval(() => {
      if (idleExit === undefined || looking) return;
      looking = true;
      // Idle means nothing left anywhere, including other workers' active jobs: if one of them
      // dies, its job comes back to the queue and this worker is still here to take it.
      queue
        .getJobCounts("waiting", "active", "delayed", "prioritized")
        .then((counts) => {
          const left = Object.values(counts).reduce((a, b) => a + b, 0);
          if (running.size > 0 || left > 0) idleSince = undefined;
          else {
            idleSince ??= Date.now();
            if (Date.now() - idleSince >= idleExit * 1000) stop("queue idle");
          }
        })
        .catch(() => {
          idleSince = undefined;
        })
        .finally(() => {
          looking = false;
        });
    }, 250);
  });
  await worker.close();
  await queue.close();
  conn.disconnect();
  print(`worker: stopped after ${done} trials${failed ? `, ${failed} failed attempts` : ""}\n`);
}
