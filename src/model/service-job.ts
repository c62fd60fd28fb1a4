import type { Caller, ReplyStatus } from "./call.js";

/** Where a job held by a paused service goes on when the pause ends. */
export const AFTER_WORK = 0;
export const AFTER_CALLS = 1;

/** One call in progress in a calling service (src/model/components/service.ts). */
export class Job {
  caller: Caller | null = null;
  token = 0;
  deadline = 0;
  requestId = -1;
  /** The service's restart generation when the job began: a job from before a restart is gone. */
  epoch = 0;
  /** Index of the step under way. */
  step = 0;
  /** Whether it holds a worker, since when, and worker-seconds held so far. */
  hasWorker = false;
  heldSince = 0;
  held = 0;
  /** The token its current group of downstream calls reports with, and what the group awaits. */
  group = -1;
  pending = 0;
  failed = 0;
  failure: ReplyStatus = "error";
  /** Still sending the group's calls (answers given at once wait until all are out). */
  sending = false;
  /** What it finished while its service was paused (AFTER_WORK or AFTER_CALLS). */
  heldAfter = AFTER_WORK;
}
