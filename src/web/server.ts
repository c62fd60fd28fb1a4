import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { stream } from "hono/streaming";
import { analyseRun } from "../analysis/analyse-run.js";
import type { BatchRunner } from "../analysis/batch.js";
import { SweepError } from "../analysis/param-path.js";
import { type Axis, planSweep, runSweepJobs, summariseSweep, sweepJobs } from "../analysis/sweep.js";
import { runTrial, type TrialResult } from "../analysis/trial.js";
import { readCatalog } from "../cli/catalog-command.js";
import { type ParsedScenario, parseScenarioText } from "../scenario/parse.js";
import { BudgetExceededError, startScenario } from "../scenario/run.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { CapExceededError, cappedBudgets, DEFAULT_CAPS, type RunCaps } from "./caps.js";
import { staticFile } from "./static-files.js";

/** Where the server finds its files, and what it allows. */
export interface ServerOptions {
  /** Folder of catalog scenarios. */
  scenariosDir: string;
  /** Folder of the built dashboard (index.html and assets); null serves the API only. */
  webDir: string | null;
  caps?: Partial<RunCaps>;
  /** Host names the Host header may carry (DNS-rebinding guard); null allows any. Default: loopback names. */
  allowedHosts?: readonly string[] | null;
}

/** Counts the server keeps, so tests and logs can see cancelled work. */
export interface ServerStats {
  runsStarted: number;
  runsCancelled: number;
  runsFinished: number;
  mapsStarted: number;
  mapsCancelled: number;
  mapsFinished: number;
}

/** A run's request went away (page closed, fetch aborted): its work stops. */
class CancelledError extends Error {}

// Scripts only from the page's own origin: the dashboard never evaluates anything it is sent.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The dashboard's HTTP app: catalog, runs with caps, and the built web app. Testable without a socket. */
export function createApp(options: ServerOptions): { app: Hono; stats: ServerStats; caps: RunCaps } {
  const caps: RunCaps = { ...DEFAULT_CAPS, ...options.caps };
  const stats: ServerStats = {
    runsStarted: 0,
    runsCancelled: 0,
    runsFinished: 0,
    mapsStarted: 0,
    mapsCancelled: 0,
    mapsFinished: 0,
  };
  const allowed =
    options.allowedHosts === null
      ? null
      : new Set(options.allowedHosts ?? ["127.0.0.1", "localhost", "[::1]"]);
  const app = new Hono();

  app.use("*", async (c, next) => {
    const host = (c.req.header("host") ?? "").replace(/:\d+$/, "");
    if (allowed && host && !allowed.has(host)) return c.text(`host ${host} is not served here`, 403);
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", CSP);
  });

  app.get("/api/scenarios", (c) => {
    const entries = readCatalog(options.scenariosDir).map((e) => ({
      ...e,
      text: readFileSync(join(options.scenariosDir, e.file), "utf8"),
    }));
    return c.json(entries);
  });

  app.get("/api/caps", (c) => c.json(caps));

  const limit = bodyLimit({
    maxSize: caps.maxBodyBytes,
    onError: (c) => c.json({ error: `the request body is larger than ${caps.maxBodyBytes} bytes` }, 413),
  });

  // POST a scenario document (YAML or JSON text, never code); ?seed=N replaces its seed.
  app.post("/api/run", limit, async (c) => {
    const text = await c.req.text();
    const seedText = c.req.query("seed");
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0))
      return c.json({ error: `seed must be an integer >= 0, got "${seedText}"` }, 400);
    const signal = c.req.raw.signal;
    try {
      const parsed = parseScenarioText(text, c.req.query("file") ?? "scenario.yaml");
      const budgets = cappedBudgets(parsed, caps);
      stats.runsStarted++;
      const run = startScenario(parsed, { ...budgets, ...(seed !== undefined && { seed }) });
      // Steps of 1% of the run, yielding between them, so an aborted request stops the work.
      const step = run.end / 100;
      while (run.now < run.end) {
        run.advance(run.now + step);
        await nextTurn();
        if (signal.aborted) throw new CancelledError();
      }
      const output = run.finish();
      const { result } = analyseRun(parsed, output, {}, budgets);
      stats.runsFinished++;
      return c.json({ result, series: output.series });
    } catch (e) {
      if (e instanceof CancelledError) {
        stats.runsCancelled++;
        return c.json({ error: "cancelled" }, 499 as 400);
      }
      if (e instanceof ScenarioError) return c.json({ error: e.message, issues: e.issues }, 400);
      if (e instanceof CapExceededError || e instanceof BudgetExceededError)
        return c.json({ error: e.message }, 413);
      throw e;
    }
  });

  // POST {scenario, x, y, replications} (axes as `metastable map` takes them); the answer streams
  // one JSON line per progress step, then {"result": MapResult} (or {"error"}).
  app.post("/api/map", limit, async (c) => {
    let body: { scenario?: unknown; x?: unknown; y?: unknown; replications?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: "the body must be JSON: {scenario, x, y, replications}" }, 400);
    }
    if (typeof body.scenario !== "string")
      return c.json({ error: "scenario must be the scenario's text" }, 400);
    const x = axisOf(body.x);
    const y = axisOf(body.y);
    const replications = body.replications;
    if (!x || !y || typeof replications !== "number")
      return c.json({ error: "x and y must be {param, from, to, steps}; replications a number" }, 400);
    if (x.steps * y.steps > caps.maxSweepCells || replications > caps.maxSweepReplications)
      return c.json(
        {
          error: `this server computes at most ${caps.maxSweepCells} cells and ${caps.maxSweepReplications} replications per map; asked for ${x.steps * y.steps} and ${replications} (use metastable map for more)`,
        },
        413,
      );
    let parsed: ParsedScenario;
    let header: ReturnType<typeof planSweep>;
    try {
      const original = parseScenarioText(body.scenario, c.req.query("file") ?? "scenario.yaml");
      // Every trial of the map gets the per-run caps as its scenario limits.
      parsed = { ...original, spec: { ...original.spec, limits: cappedBudgets(original, caps) } };
      header = planSweep(parsed, x, y, replications);
    } catch (e) {
      if (e instanceof ScenarioError) return c.json({ error: e.message, issues: e.issues }, 400);
      if (e instanceof SweepError) return c.json({ error: e.message }, 400);
      if (e instanceof CapExceededError) return c.json({ error: e.message }, 413);
      throw e;
    }
    const abort = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => abort.abort(), { once: true });
    stats.mapsStarted++;
    return stream(c, async (out) => {
      out.onAbort(() => abort.abort());
      const jobs = sweepJobs(header);
      const done = new Map<string, TrialResult>();
      let sent = 0;
      try {
        await runSweepJobs(parsed, header, jobs, yieldingRunner(parsed), done, {
          signal: abort.signal,
          onResult: () => {
            // A line per 1% is progress enough.
            if (done.size - sent >= Math.max(1, jobs.length / 100)) {
              sent = done.size;
              void out.write(`${JSON.stringify({ done: done.size, total: jobs.length })}\n`);
            }
          },
        });
        await out.write(`${JSON.stringify({ result: summariseSweep(header, done) })}\n`);
        stats.mapsFinished++;
      } catch (e) {
        if (abort.signal.aborted) stats.mapsCancelled++;
        else await out.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
      }
    });
  });

  app.all("/api/*", (c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));

  app.get("*", async (c) => {
    if (!options.webDir) return c.text("the dashboard is not built (npm run build)", 404);
    const file =
      (await staticFile(options.webDir, c.req.path)) ?? (await staticFile(options.webDir, "/index.html"));
    if (!file) return c.text("the dashboard is not built (npm run build)", 404);
    return c.body(new Uint8Array(file.body), 200, { "Content-Type": file.type });
  });

  return { app, stats, caps };
}

/** An axis as JSON gives it, or null when it is not one. */
function axisOf(value: unknown): Axis | null {
  if (value === null || typeof value !== "object") return null;
  const a = value as Record<string, unknown>;
  if (typeof a.param !== "string" || typeof a.from !== "number" || typeof a.to !== "number") return null;
  if (typeof a.steps !== "number" || !Number.isInteger(a.steps) || a.steps < 1 || a.steps > 10_000)
    return null;
  return { param: a.param, from: a.from, to: a.to, steps: a.steps };
}

/** Runs trials one by one, yielding to the event loop between them so a dropped request stops the work. */
function yieldingRunner(parsed: ParsedScenario): BatchRunner {
  return async (trials, options = {}) => {
    const results: TrialResult[] = [];
    for (const [i, t] of trials.entries()) {
      options.signal?.throwIfAborted();
      const result = runTrial(parsed, t.spec, t.seed, t.measureFrom);
      results.push(result);
      options.onResult?.(i, result);
      await nextTurn();
    }
    return results;
  };
}
