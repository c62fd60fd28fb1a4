import type { SandboxedJob } from "bullmq";
import { buildIdentity } from "./build-identity.js";
import {
  type EncodedTrialResult,
  encodeTrialResult,
  METASTABLE_VERSION,
  type RedisTrialJob,
} from "./redis-job.js";
import runTrialJob, { INPUT_ERRORS } from "./trial-worker.js";

// BullMQ sandboxed processor: `metastable worker` runs this in worker threads, so a long trial
// never blocks the main thread that renews the job's lock (a blocked lock looks like a dead worker).

/** An error BullMQ fails at once instead of retrying (it checks the name, which survives the thread boundary). */
function unrecoverable(message: string): Error {
  const e = new Error(message);
  e.name = "UnrecoverableError";
  return e;
}

/** Runs one trial job and returns its encoded result. */
export default async function processTrialJob(job: SandboxedJob<RedisTrialJob>): Promise<EncodedTrialResult> {
  const data = job.data;
  if (data.version !== METASTABLE_VERSION)
    throw unrecoverable(
      `job ${job.id} was made by metastable ${data.version}, this worker runs ${METASTABLE_VERSION}; run workers of the same version`,
    );
  if (data.build !== buildIdentity())
    throw unrecoverable(
      `job ${job.id} was made by another build of metastable (${data.build ?? "unknown"}; this worker runs ${buildIdentity()}); run workers built from the same code`,
    );
  const reply = runTrialJob(data);
  if ("error" in reply) {
    const { name, message } = reply.error;
    throw INPUT_ERRORS.has(name) ? unrecoverable(`${name}: ${message}`) : new Error(`${name}: ${message}`);
  }
  return encodeTrialResult(reply.result);
}
