import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";

/** Runs the CLI in this process and captures what it prints and its exit code. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(
    args,
    (s) => {
      stdout += s;
    },
    (s) => {
      stderr += s;
    },
  );
  return { code, stdout, stderr };
}

/** A fresh scratch folder holding the given files. */
export function scratchWith(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "metastable-test-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * A small, fast scenario: a server at 50% load whose retrying clients turn a 5 s pause into a
 * lasting storm (dropExpired: true breaks the loop).
 */
export const PAUSE_STORM = `name: pause-storm
seed: 1
duration: 70
drain: 5
sources:
  users: { target: client, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server, timeout: 1, maxAttempts: 5 }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.1 }, dropExpired: false }
triggers:
  - { kind: pause, target: server, at: 20, duration: 5 }
`;
