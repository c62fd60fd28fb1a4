import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/web/server.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCENARIOS = join(ROOT, "scenarios");
const STORM = readFileSync(join(SCENARIOS, "retry-storm.yaml"), "utf8");
const web = mkdtempSync(join(tmpdir(), "metastable-web-"));
mkdirSync(join(web, "assets"));
writeFileSync(join(web, "index.html"), "<!doctype html><title>dashboard</title>");
writeFileSync(join(web, "assets", "app.js"), "export {};");
writeFileSync(join(tmpdir(), "metastable-secret.txt"), "not for the web");
afterAll(() => rmSync(web, { recursive: true, force: true }));

const post = (app: ReturnType<typeof createApp>["app"], body: string, query = "", init: RequestInit = {}) =>
  app.request(`http://127.0.0.1/api/run${query}`, {
    method: "POST",
    body,
    ...init,
    headers: { "Content-Type": "application/yaml", ...init.headers },
  });

describe("dashboard server", () => {
  const { app, stats, close } = createApp({ scenariosDir: SCENARIOS, webDir: web });
  afterAll(close);

  it("lists every catalog scenario with its description and text", async () => {
    const res = await app.request("http://127.0.0.1/api/scenarios");
    expect(res.status).toBe(200);
    const list = (await res.json()) as { file: string; name: string; description: string; text: string }[];
    expect(list.find((s) => s.file === "retry-storm.yaml")?.text).toBe(STORM);
    expect(list.every((s) => s.description.length > 0)).toBe(true);
  });

  it("runs a posted scenario and returns the same verdict and totals as the CLI's JSON", async () => {
    const res = await post(app, STORM, "?file=retry-storm.yaml");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      result: { verdict: { kind: string }; totals: { requests: number } };
    };
    expect(body.result.verdict.kind).toBe("metastable");
    const { runScenario } = await import("../../src/scenario/run.js");
    const { parseScenarioText } = await import("../../src/scenario/parse.js");
    expect(body.result.totals).toEqual(runScenario(parseScenarioText(STORM, "x")).result.totals);
  });

  it("answers an invalid scenario with the CLI's located issues", async () => {
    const res = await post(app, STORM.replace("concurrency: 1", "concurrency: 0"), "?file=bad.yaml");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { field: string; line: number }[]; error: string };
    expect(body.issues[0]).toMatchObject({ field: "servers.server.concurrency", line: 47 });
    expect(body.error).toMatch(
      /^bad\.yaml:47:\d+: servers\.server\.concurrency: expected an integer >= 1, got 0/,
    );
  });

  it("takes documents only: code is just text that does not parse as a scenario", async () => {
    const res = await post(app, "require('child_process').execSync('touch /tmp/pwned')");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("expected a mapping");
  });

  it("refuses bodies over the size cap, runs over the simulated-time cap and runs over the event cap", async () => {
    const server = createApp({
      scenariosDir: SCENARIOS,
      webDir: null,
      caps: { maxBodyBytes: 1000, maxSimulatedSeconds: 50, maxEvents: 1000 },
    });
    const small = server.app;
    try {
      const big = await post(small, `${STORM}\n# ${"x".repeat(2000)}`, "", {
        headers: { "Content-Length": String(STORM.length + 2004) },
      });
      expect(big.status).toBe(413);
      const body = STORM.replace(/^# .*\n/gm, "").replace(/description: >-\n( {2}.*\n)+/, "");
      expect(body.length).toBeLessThan(1000);
      const long = await post(small, body);
      expect(long.status).toBe(413);
      expect(((await long.json()) as { error: string }).error).toContain("110 simulated seconds");
      const shortRun = body.replace("duration: 100", "duration: 30").replace("drain: 10", "drain: 0");
      const events = await post(small, shortRun);
      expect(events.status).toBe(413);
      expect(((await events.json()) as { error: string }).error).toContain("event budget (1000 events)");
    } finally {
      await server.close();
    }
  });

  it("stops a run whose request went away", async () => {
    const before = stats.runsCancelled;
    const abort = new AbortController();
    const pending = post(app, STORM, "", { signal: abort.signal });
    setTimeout(() => abort.abort(), 5);
    const res = await Promise.resolve(pending).catch((e: Error) => e);
    expect(stats.runsCancelled).toBe(before + 1);
    expect(res instanceof Error || (res as Response).status === 499).toBe(true);
  });

  it("refuses a Host it does not serve (DNS rebinding) and sets a script policy", async () => {
    const evil = await app.request("http://evil.example/api/scenarios", {
      headers: { Host: "evil.example" },
    });
    expect(evil.status).toBe(403);
    const ok = await app.request("http://127.0.0.1/");
    expect(ok.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
  });

  it("serves the built app, falls back to index.html, and never leaves its folder", async () => {
    const js = await app.request("http://127.0.0.1/assets/app.js");
    expect(js.headers.get("Content-Type")).toContain("javascript");
    const deep = await app.request("http://127.0.0.1/some/page");
    expect(await deep.text()).toContain("dashboard");
    for (const path of [
      "/../metastable-secret.txt",
      "/%2e%2e/metastable-secret.txt",
      "/assets/..%2f..%2fmetastable-secret.txt",
    ]) {
      const res = await app.request(`http://127.0.0.1${path}`);
      expect(await res.text(), path).not.toContain("not for the web");
    }
  });

  it("rejects a bad seed and unknown API paths", async () => {
    expect((await post(app, STORM, "?seed=-1")).status).toBe(400);
    expect((await app.request("http://127.0.0.1/api/nope")).status).toBe(404);
  });

  const mapBody = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      scenario: STORM,
      x: { param: "load", from: 0.5, to: 1, steps: 2 },
      y: { param: "clients.client.timeout", from: 0.5, to: 1, steps: 2 },
      replications: 1,
      ...over,
    });
  const postMap = (body: string, init: RequestInit = {}) =>
    app.request("http://127.0.0.1/api/map", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
      ...init,
    });

  it("computes a map, streaming progress lines and then the MapResult the CLI would compute", async () => {
    const res = await postMap(mapBody());
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).map((l) => l.done)).toEqual([1, 2, 3, 4]);
    const result = lines[lines.length - 1].result;
    expect(result.cells).toHaveLength(4);
    const { parseScenarioText } = await import("../../src/scenario/parse.js");
    const { planSweep, runSweepJobs, summariseSweep, sweepJobs } = await import(
      "../../src/analysis/sweep.js"
    );
    const { sequentialRunner } = await import("../../src/analysis/batch.js");
    const parsed = parseScenarioText(STORM, "scenario.yaml");
    const capped = {
      ...parsed,
      spec: { ...parsed.spec, limits: { maxEvents: 20_000_000, maxWallSeconds: 60 } },
    };
    const header = planSweep(capped, JSON.parse(mapBody()).x, JSON.parse(mapBody()).y, 1);
    const done = new Map();
    await runSweepJobs(capped, header, sweepJobs(header), sequentialRunner(capped), done);
    expect(result).toEqual(JSON.parse(JSON.stringify(summariseSweep(header, done))));
  });

  it("refuses maps over the cell or replication cap, bad axes and unknown parameters", async () => {
    const big = await postMap(
      mapBody({
        x: { param: "load", from: 0.1, to: 2, steps: 30 },
        y: { param: "clients.client.timeout", from: 0.1, to: 1, steps: 30 },
      }),
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toContain("at most 400 cells");
    expect((await postMap(mapBody({ replications: 50 }))).status).toBe(413);
    expect((await postMap(mapBody({ x: { param: "load" } }))).status).toBe(400);
    const unknown = await postMap(
      mapBody({ y: { param: "clients.nope.timeout", from: 1, to: 2, steps: 2 } }),
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain(
      'unknown parameter "clients.nope.timeout"',
    );
    expect((await postMap("not json")).status).toBe(400);
  });

  it("stops a map whose request went away", async () => {
    const before = stats.mapsCancelled;
    const abort = new AbortController();
    const res = await postMap(mapBody({ replications: 5 }), { signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    expect(stats.mapsCancelled).toBe(before + 1);
    expect(stats.mapsFinished).toBe(1);
  });
});
