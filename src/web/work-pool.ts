import type { Transferable } from "node:worker_threads";
import { Piscina } from "piscina";
import { compiledFile } from "../files/compiled-file.js";
import type { RunCaps } from "./caps.js";
import type { MapTask, RunTask, WorkReply } from "./server-work.js";

/** Every thread is busy and the queue is full: answer 503 and ask the client to come back. */
export class ServerBusyError extends Error {}

/** The request's client went away before its answer was ready. */
export class CancelledError extends Error {}

/**
 * The server's threads: at most `maxConcurrent` tasks run at once, at most `maxQueued` more wait,
 * and anything past that is refused at once (so memory stays bounded under any mix of requests).
 * A task is stopped by ending its thread when its client goes away or its deadline passes.
 */
export class WorkPool {
  private pool: Piscina | null = null;
  private admitted = 0;

  constructor(private readonly caps: RunCaps) {}

  /** Requests running or waiting now. */
  get load(): number {
    return this.admitted;
  }

  /**
   * Runs a task on a thread. Rejects with ServerBusyError when full, CancelledError when `signal`
   * aborts first; past the task's deadline (plus a second for it to answer on its own) it resolves
   * to a 413 answer.
   */
  async run(
    task: RunTask | MapTask,
    signal: AbortSignal,
    transferList: Transferable[] = [],
  ): Promise<WorkReply> {
    if (this.admitted >= this.caps.maxConcurrent + this.caps.maxQueued) throw new ServerBusyError();
    this.admitted++;
    const stop = new AbortController();
    const onAbort = () => stop.abort(new CancelledError());
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    const late = setTimeout(
      () => stop.abort(new OutOfTimeError()),
      Math.max(0, task.deadline - Date.now()) + 1000,
    );
    try {
      this.pool ??= new Piscina({
        filename: compiledFile("web/server-work-entry.cjs"),
        minThreads: 0,
        maxThreads: this.caps.maxConcurrent,
        idleTimeout: 30_000,
        resourceLimits: { maxOldGenerationSizeMb: this.caps.maxThreadMemoryMb },
      });
      return (await this.pool.run(task, { signal: stop.signal, transferList })) as WorkReply;
    } catch (e) {
      const reason: unknown = stop.signal.reason;
      if (reason instanceof CancelledError) throw reason;
      if (reason instanceof OutOfTimeError)
        return { status: 413, body: JSON.stringify({ error: "the request's wall-clock budget ran out" }) };
      if ((e as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY")
        return {
          status: 413,
          body: JSON.stringify({
            error: `the request needed more than ${this.caps.maxThreadMemoryMb} MB of memory; make it smaller or run it with the CLI`,
          }),
        };
      throw e;
    } finally {
      clearTimeout(late);
      signal.removeEventListener("abort", onAbort);
      this.admitted--;
    }
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    await this.pool?.destroy();
    this.pool = null;
  }
}

class OutOfTimeError extends Error {}
