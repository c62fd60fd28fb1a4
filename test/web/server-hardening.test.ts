import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/web/server.js";

// The attacks of issue 14, each bounded and on loopback: what a hostile page or a flood of valid
// requests did to `metastable serve`, and what the server answers now.

const ROOT = join(import.meta.dirname, "..", "..");
const SCENARIOS = join(ROOT, "scenarios");
const STORM = readFileSync(join(SCENARIOS, "retry-storm.yaml"), "utf8");
/** 86,000 simulated seconds (rates in 2 s windows): inside every cap, and many seconds of work. */
const long = (probeInterval: number) =>
  STORM.replace("duration: 100", "duration: 86000")
    .replace("probeInterval: 0.1", `probeInterval: ${probeInterval}`)
    .replace("window: 1", "window: 2");
const OWN = { "Content-Type": "application/yaml" };

describe("dashboard server under attack", () => {
  const web = mkdtempSync(join(tmpdir(), "metastable-web-"));
  writeFileSync(join(web, "index.html"), `<!doctype html><title>dashboard</title>${" ".repeat(2000)}`);
  const bundle = `export const text = ${JSON.stringify("metastable ".repeat(500))};\n`;
  mkdirSync(join(web, "assets"));
  writeFileSync(join(web, "assets", "index-2S1jdeLz.js"), bundle); // Vite's name-<hash>.js
  writeFileSync(join(web, "index.js"), bundle);
  const server = createApp({ scenariosDir: SCENARIOS, webDir: web });
  afterAll(async () => {
    await server.close();
    rmSync(web, { recursive: true, force: true });
  });
  const { app } = server;

  it("refuses a POST from another site's page (Origin, Sec-Fetch-Site, a form's content type), with security headers", async () => {
    const attempts: [string, Record<string, string>, number][] = [
      ["/api/run", { Origin: "http://evil.example", "Content-Type": "text/plain" }, 403],
      ["/api/run", { Origin: "http://evil.example", ...OWN }, 403],
      ["/api/run", { Origin: "null", ...OWN }, 403],
      ["/api/run", { "Sec-Fetch-Site": "cross-site", ...OWN }, 403],
      ["/api/run", { "Sec-Fetch-Site": "same-site", ...OWN }, 403],
      ["/api/run", { "Content-Type": "text/plain" }, 415],
      ["/api/run", { "Content-Type": "application/x-www-form-urlencoded" }, 415],
      ["/api/map", { Origin: "http://evil.example", "Content-Type": "text/plain" }, 403],
      ["/api/map", { "Content-Type": "multipart/form-data; boundary=x" }, 415],
    ];
    for (const [path, headers, status] of attempts) {
      const res = await app.request(`http://127.0.0.1:8137${path}`, {
        method: "POST",
        body: STORM,
        headers: { Host: "127.0.0.1:8137", ...headers },
      });
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(status);
      expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
    expect(server.stats.runsStarted).toBe(0);
    expect(server.stats.mapsStarted).toBe(0);
    // The page's own requests: same origin, a JSON body or the custom header.
    const own = await app.request("http://127.0.0.1:8137/api/run?file=s.yaml", {
      method: "POST",
      body: STORM.replace("concurrency: 1", "concurrency: 0"),
      headers: {
        Host: "127.0.0.1:8137",
        Origin: "http://127.0.0.1:8137",
        "Sec-Fetch-Site": "same-origin",
        "Content-Type": "text/plain",
        "X-Metastable": "1",
      },
    });
    expect(own.status).toBe(400);
    // A refused Host gets the headers too.
    const rebound = await app.request("http://evil.example/", { headers: { Host: "evil.example" } });
    expect(rebound.status).toBe(403);
    expect(rebound.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
  });

  it("refuses a run whose series would hold more points than it may send, saying what to raise", async () => {
    // 86,000 s probed every 0.05 s: 1.7 M points, a 112.8 MB answer before.
    const res = await app.request("http://127.0.0.1/api/run", {
      method: "POST",
      body: long(0.05),
      headers: OWN,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /probeInterval 0\.05 s over 86010 simulated seconds records 1720200 points per series; this server sends at most 50000: raise probeInterval to at least 1\.72\d* s/,
    );
  });

  it("a self-referencing YAML alias is a located 400, not a 500 with a stack", async () => {
    const res = await app.request("http://127.0.0.1/api/run?file=loop.yaml", {
      method: "POST",
      body: STORM.replace(/^name: .*$/m, "name: &n [*n]"),
      headers: OWN,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^loop\.yaml:\d+:\d+: name\.0: the alias \*n refers to itself/,
    );
  });

  it("serves the app compressed, and hashed assets cacheable for a year", async () => {
    const br = await app.request("http://127.0.0.1/assets/index-2S1jdeLz.js", {
      headers: { "Accept-Encoding": "gzip, deflate, br" },
    });
    expect(br.headers.get("Content-Encoding")).toBe("br");
    expect(br.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(br.headers.get("Vary")).toBe("Accept-Encoding");
    const brBody = Buffer.from(await br.arrayBuffer());
    expect(brBody.length).toBeLessThan(bundle.length / 4);
    expect(brotliDecompressSync(brBody).toString()).toBe(bundle);
    const gz = await app.request("http://127.0.0.1/", { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.headers.get("Content-Encoding")).toBe("gzip");
    expect(gz.headers.get("Cache-Control")).toBe("no-cache");
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toContain("<title>dashboard</title>");
    const plain = await app.request("http://127.0.0.1/index.js");
    expect(plain.headers.get("Content-Encoding")).toBeNull();
    expect(await plain.text()).toBe(bundle);
  });
});

describe("dashboard server time and threads", () => {
  // Once 86-103 s against the documented 60 s: the cap counted only the run's own steps.
  it("the wall-clock cap counts from the request's arrival, waiting for a thread included", async () => {
    const server = createApp({
      scenariosDir: SCENARIOS,
      webDir: null,
      caps: { maxWallSeconds: 1, maxConcurrent: 1, maxQueued: 1 },
    });
    try {
      const post = () =>
        server.app.request("http://127.0.0.1/api/run", { method: "POST", body: long(2), headers: OWN });
      // The second waits for the thread the first holds until its own budget is gone.
      const [first, second] = await Promise.all([post(), post()]);
      for (const res of [first, second]) {
        expect(res.status).toBe(413);
        expect(((await res.json()) as { error: string }).error).toMatch(/wall-clock budget ran out/);
      }
    } finally {
      await server.close();
    }
  }, 60_000);

  // Once a GET waited 24 s behind a map computed on the main thread.
  it("answers other requests while a map computes, and ends the map's thread when its client leaves", async () => {
    const server = createApp({ scenariosDir: SCENARIOS, webDir: null });
    try {
      const abort = new AbortController();
      const res = await server.app.request("http://127.0.0.1/api/map", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          scenario: STORM,
          x: { param: "load", from: 0.5, to: 1.5, steps: 20 },
          y: { param: "clients.client.timeout", from: 0.5, to: 1, steps: 20 },
          replications: 20,
        }),
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(JSON.parse(first.split("\n")[0]!)).toEqual({ done: 80, total: 8000 });
      const caps = await server.app.request("http://127.0.0.1/api/caps");
      expect(caps.status).toBe(200);
      expect(server.stats.mapsFinished).toBe(0);
      abort.abort();
      await reader.cancel().catch(() => undefined);
      await expect.poll(() => server.stats.mapsCancelled, { timeout: 20_000 }).toBe(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});

describe("dashboard server under load, on loopback", () => {
  it("answers 503 with Retry-After past its queue, keeps answering GETs, and stops work whose client left", async () => {
    const server = createApp({
      scenariosDir: SCENARIOS,
      webDir: null,
      caps: { maxConcurrent: 1, maxQueued: 1 },
    });
    const listener = serve({ fetch: server.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => listener.once("listening", resolve));
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const abort = new AbortController();
    try {
      // 14 concurrent runs of 86,000 s each (probed every 2 s, inside the series cap).
      const runs = Array.from({ length: 14 }, () =>
        fetch(`${base}/api/run`, { method: "POST", body: long(2), headers: OWN, signal: abort.signal }).then(
          (r) => r,
          () => null,
        ),
      );
      const refused = (await Promise.race([
        Promise.all(runs.slice(2)),
        new Promise((resolve) => setTimeout(resolve, 30_000)),
      ])) as (Response | null)[] | undefined;
      // Whatever the order of arrival, two are admitted (one running, one waiting) and 12 refused.
      const answered = await Promise.all(runs.map((r) => Promise.race([r, Promise.resolve("pending")])));
      const busy = answered.filter((r) => r instanceof Response && r.status === 503) as Response[];
      expect(refused).toBeDefined();
      expect(busy).toHaveLength(12);
      expect(busy[0]!.headers.get("Retry-After")).toMatch(/^\d+$/);
      expect(((await busy[0]!.json()) as { error: string }).error).toContain("the server is busy");
      const caps = await fetch(`${base}/api/caps`);
      expect(caps.status).toBe(200);
      expect(server.stats.refusedBusy).toBe(12);
      abort.abort();
      await Promise.all(runs);
      await expect.poll(() => server.stats.runsCancelled, { timeout: 20_000 }).toBe(2);
    } finally {
      abort.abort();
      listener.close();
      await server.close();
    }
  }, 60_000);
});
