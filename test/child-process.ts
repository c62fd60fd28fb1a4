import { spawn } from "node:child_process";

/** What a finished child process left: its exit status (null when killed), signal and output. */
export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end without blocking the event loop (spawnSync would stop the test
 * runner's own timeouts from firing), killing it with SIGKILL after `timeout` ms.
 */
export function runChild(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeout?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeout ?? 60_000,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** `node bin/metastable.js ...args` from the repository root (or `cwd`); `nodeOptions` go to node itself. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; timeout?: number; nodeOptions?: readonly string[] } = {},
) {
  const root = new URL("..", import.meta.url).pathname;
  const { nodeOptions = [], ...rest } = options;
  return runChild(process.execPath, [...nodeOptions, `${root}bin/metastable.js`, ...args], {
    cwd: root,
    ...rest,
  });
}
