import { spawn } from "node:child_process";
import { get } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

describe("metastable serve", () => {
  it("serves on a free loopback port, refuses other hosts, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "metastable.js"), "serve", "--port", "0"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
      killSignal: "SIGKILL",
    });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        const m = /Dashboard on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    try {
      const list = await fetch(`${url}api/scenarios`);
      expect(list.status).toBe(200);
      expect(((await list.json()) as unknown[]).length).toBeGreaterThan(10);
      const port = Number(new URL(url).port);
      const status = await new Promise<number | undefined>((resolve, reject) =>
        get({ host: "127.0.0.1", port, path: "/api/caps", headers: { Host: "evil.example" } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on("error", reject),
      );
      expect(status).toBe(403);
      const caps = (await (await fetch(`${url}api/caps`)).json()) as { maxEvents: number };
      expect(caps.maxEvents).toBe(20_000_000);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });

  it("refuses a folder of scenarios that does not exist, with exit code 2", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "bin", "metastable.js"), "serve", "--scenarios", "nope"],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
        killSignal: "SIGKILL",
      },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain("--scenarios nope: no such folder");
  });
});
