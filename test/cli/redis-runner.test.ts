import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sequentialRunner, type TrialRequest } from "../../src/analysis/batch.js";
import { replicationSeeds } from "../../src/analysis/trial.js";
import { RedisUnreachableError } from "../../src/cli/redis-connection.js";
import { redisRunner } from "../../src/cli/redis-runner.js";
import { UsageError } from "../../src/cli/usage-error.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runCli } from "../child-process.js";
import { freePort, type LocalRedis, startRedis } from "./redis-server.js";

// Real processes on a real Redis (127.0.0.1 only): `metastable worker` from dist/, which `npm test`
// builds before vitest runs. No test blocks the event loop (no spawnSync), every child has a
// timeout and is killed in afterAll, and a worker is asked to stop (SIGTERM) once its jobs are
// done, or exits when idle only after its jobs were queued: a worker that went idle before the
// jobs arrived would leave the batch waiting for ever.

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "metastable.js");
const FILE = "scenarios/retry-storm-retry-budget.yaml"; // goodput differs by seed, so a mix-up shows
const TEXT = readFileSync(join(ROOT, FILE), "utf8");
const PARSED = parseScenarioText(TEXT, FILE);
const trials = (n: number): TrialRequest[] =>
  replicationSeeds(1, n).map((seed) => ({ spec: PARSED.spec, seed }));

let redis: LocalRedis;
const children: ChildProcess[] = [];

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startWorker(queue: string, ...extra: string[]): WorkerProcess {
  const child = spawn(
    process.execPath,
    [BIN, "worker", "--redis", redis.url, "--queue", queue, "--lock-seconds", "2", ...extra],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], timeout: 180_000, killSignal: "SIGKILL" },
  );
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d) => {
    output += d;
  });
  child.stderr!.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Asks a worker to stop and resolves to its exit code. */
async function stopWorker(worker: WorkerProcess): Promise<number | null> {
  worker.child.kill("SIGTERM");
  return worker.exited;
}

/** Resolves once `n` jobs wait on the queue. */
async function waiting(queue: Queue, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await queue.getWaitingCount()) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} jobs queued on ${queue.name}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once n workers listen on the queue (so one cannot take every job before the other starts). */
async function listening(queue: Queue, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await queue.getWorkersCount()) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} workers connected to ${queue.name}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once a job of this queue is being run by the given worker process. */
async function activeOn(queue: Queue, pid: number): Promise<void> {
  const name = `${hostname()}-${pid}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const active = await queue.getActive();
    if (active.some((j) => j.processedBy === name)) return;
    if (Date.now() > deadline) throw new Error(`worker ${name} never took a job`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "cli", "redis-processor.js")))
    throw new Error("dist/ is missing the worker; run npm run build first");
  redis = await startRedis();
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  redis?.stop();
});

describe("Redis runner and metastable worker", () => {
  it("a batch over two workers, one killed mid-job, equals the in-process batch", async () => {
    const batch = trials(10);
    const expected = await sequentialRunner(PARSED)(batch);
    const a = startWorker("kill");
    const b = startWorker("kill");
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue("kill", { connection });
    try {
      await listening(queue, 2);
      const seen: number[] = [];
      const running = redisRunner(TEXT, FILE, { url: redis.url, queue: "kill", checkEvery: 0.5 })(batch, {
        onResult: (i) => seen.push(i),
      });
      await activeOn(queue, a.child.pid!);
      a.child.kill("SIGKILL");
      const results = await running;
      expect(results).toEqual(expected);
      expect([...seen].sort((x, y) => x - y)).toEqual(batch.map((_, i) => i));
      // The killed worker's job was taken over, not lost: the survivor found it stalled and ran it.
      expect(await stopWorker(b)).toBe(0);
      expect(b.output()).toMatch(/job trial-[0-9a-f]{32} stalled/);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 120_000);

  it("runs a trial submitted twice once, and a rerun reuses the results with no worker left", async () => {
    const batch = trials(3);
    const withDuplicate = [batch[0]!, ...batch, batch[2]!];
    const expected = await sequentialRunner(PARSED)(withDuplicate);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue("dup", { connection });
    const run = redisRunner(TEXT, FILE, { url: redis.url, queue: "dup", checkEvery: 0.5 });
    try {
      const first = run(withDuplicate);
      // Started once its jobs wait, the worker cannot find the queue idle before them.
      await waiting(queue, 3);
      const worker = startWorker("dup", "--idle-exit", "1");
      expect(await first).toEqual(expected);
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toContain("stopped after 3 trials");
    } finally {
      await queue.close();
      connection.disconnect();
    }
    // Nothing consumes the queue now: only stored results can answer.
    expect(await run(withDuplicate)).toEqual(expected);
  }, 120_000);

  it("a worker stopped by SIGTERM finishes its running trial first; an aborted batch rejects", async () => {
    const worker = startWorker("term");
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue("term", { connection });
    const abort = new AbortController();
    try {
      const running = redisRunner(TEXT, FILE, { url: redis.url, queue: "term" })(trials(4), {
        signal: abort.signal,
      });
      await activeOn(queue, worker.child.pid!);
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toMatch(/signal received[\s\S]*stopped after [1-9]\d* trials/);
      expect(await queue.getActiveCount()).toBe(0); // handed back or finished, never left claimed
      abort.abort(new Error("stopped by the test"));
      await expect(running).rejects.toThrow("stopped by the test");
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 120_000);

  it("a trial whose scenario cannot run fails at once, naming seed and field; a rerun tries it again", async () => {
    const spec = structuredClone(PARSED.spec);
    (spec.servers as Record<string, { concurrency: number }>).server!.concurrency = 0;
    const worker = startWorker("bad");
    const run = redisRunner(TEXT, FILE, { url: redis.url, queue: "bad", checkEvery: 0.5 });
    const error = await run([{ spec, seed: 7 }]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /^trial seed 7 \(job trial-[0-9a-f]{32}\) failed after 1 attempt\(s\): ScenarioError: .*servers\.server\.concurrency: expected an integer >= 1, got 0/,
    );
    expect(await stopWorker(worker)).toBe(0);
    // A rerun does not just report the stored failure: the job gets fresh attempts on a worker.
    const again = startWorker("bad");
    await expect(run([{ spec, seed: 7 }])).rejects.toThrow("failed after 1 attempt(s)");
    expect(await stopWorker(again)).toBe(0);
    expect(again.output()).toMatch(/job trial-[0-9a-f]{32} \(seed 7\) failed: ScenarioError/);
  }, 120_000);

  it("compare --redis prints what compare in-process prints", async () => {
    const args = ["compare", "scenarios/retry-storm.yaml", FILE, "--replications", "2", "--json", "--quiet"];
    const worker = startWorker("cli", "--concurrency", "2");
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue("cli", { connection });
    try {
      await listening(queue, 1);
      const [remote, local] = await Promise.all([
        runCli([...args, "--redis", redis.url, "--queue", "cli"], { timeout: 110_000 }),
        runCli([...args, "--workers", "1"], { timeout: 110_000 }),
      ]);
      expect(remote.status, remote.stderr).toBe(0);
      expect(local.status, local.stderr).toBe(0);
      expect(remote.stdout).toBe(local.stdout);
      expect(await stopWorker(worker)).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 120_000);

  it("a batch that loses Redis for longer than lostAfter stops with a clear error instead of hanging", async () => {
    const doomed = await startRedis();
    const connection = new Redis(doomed.url, { maxRetriesPerRequest: null });
    connection.on("error", () => {}); // refused connections are the point of this test
    const queue = new Queue("lost", { connection });
    queue.on("error", () => {});
    try {
      const running = redisRunner(TEXT, FILE, { url: doomed.url, queue: "lost", lostAfter: 1 })(trials(2));
      const caught = running.catch((e: Error) => e);
      while ((await queue.getWaitingCount()) < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      doomed.stop();
      const error = await caught;
      expect(error).toBeInstanceOf(RedisUnreachableError);
      expect((error as Error).message).toMatch(`lost Redis at ${doomed.url}`);
    } finally {
      doomed.stop();
      await queue.close().catch(() => {});
      connection.disconnect();
    }
  }, 60_000);

  it("a Redis URL that does not answer is bad input: exit 2, the reason, no stack trace", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [
      ["compare", "scenarios/retry-storm.yaml", FILE, "--redis", url],
      ["worker", "--redis", url],
    ]) {
      const r = await runCli(args, { timeout: 30_000 });
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: cannot reach Redis at ${url}/?: connect ECONNREFUSED`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = await runCli(["worker", "--redis", "localhost:6379"], { timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--redis must be a redis:// or rediss:// URL");
  }, 60_000);
});
