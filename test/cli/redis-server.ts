import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** A throwaway redis-server on 127.0.0.1: no persistence, its own folder, killed by stop(). */
export interface LocalRedis {
  url: string;
  stop(): void;
}

/** A port nothing listens on right now (redis-server needs an explicit one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts redis-server (installed by scripts/ensure-system-packages.sh, which `npm test` runs first). */
export async function startRedis(): Promise<LocalRedis> {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore", timeout: 10_000 });
  } catch {
    throw new Error("redis-server is not installed; run: bash scripts/ensure-system-packages.sh");
  }
  const dir = mkdtempSync(join(tmpdir(), "metastable-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    // Killed by stop(); the timeout is a backstop should a test run never reach it.
    { stdio: "ignore", timeout: 15 * 60_000, killSignal: "SIGKILL" },
  );
  const stop = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      return { url, stop };
    } catch (e) {
      if (Date.now() > deadline || child.exitCode !== null) {
        stop();
        throw new Error(`redis-server on port ${port} did not start: ${(e as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.disconnect();
    }
  }
}
