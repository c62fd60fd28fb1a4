import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MessageChannel } from "node:worker_threads";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { stream } from "hono/streaming";
import type { Axis } from "../analysis/sweep.js";
import { readCatalog } from "../files/catalog.js";
import { DEFAULT_CAPS, type RunCaps } from "./caps.js";
import type { MapMessage, WorkReply } from "./server-work.js";
import { staticResponse } from "./static-files.js";
import { CancelledError, ServerBusyError, WorkPool } from "./work-pool.js";

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

/** Counts the server keeps, so tests and logs can see cancelled and refused work. */
export interface ServerStats {
  runsStarted: number;
  runsCancelled: number;
  runsFinished: number;
  mapsStarted: number;
  mapsCancelled: number;
  mapsFinished: number;
  /** Requests answered 503 because every thread was busy and the queue full. */
  refusedBusy: number;
}

/** The header the dashboard sends with every POST; a form on another site cannot send it. */
export const CLIENT_HEADER = "X-Metastable";

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

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": CSP,
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

// Bodies a cross-site form or a "simple" fetch cannot send: these content types need a CORS
// preflight, which this server never answers, so only its own page gets through.
const DOCUMENT_TYPES = new Set(["application/json", "application/yaml", "application/x-yaml", "text/yaml"]);

// Seconds a refused client is asked to wait: about one short run.
const RETRY_AFTER_SECONDS = 5;

/** The dashboard's HTTP app: catalog, runs with caps, and the built web app. Testable without a socket. */
export function createApp(options: ServerOptions): {
  app: Hono;
  stats: ServerStats;
  caps: RunCaps;
  close(): Promise<void>;
} {
  const caps: RunCaps = { ...DEFAULT_CAPS, ...options.caps };
  const stats: ServerStats = {
    runsStarted: 0,
    runsCancelled: 0,
    runsFinished: 0,
    mapsStarted: 0,
    mapsCancelled: 0,
    mapsFinished: 0,
    refusedBusy: 0,
  };
  const pool = new WorkPool(caps);
  const allowed =
    options.allowedHosts === null
      ? null
      : new Set(options.allowedHosts ?? ["127.0.0.1", "localhost", "[::1]"]);
  const app = new Hono();

  app.use("*", async (c, next) => {
    // Set first, so refusals carry them too.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
    const host = (c.req.header("host") ?? "").replace(/:\d+$/, "");
    if (allowed && host && !allowed.has(host)) return c.text(`host ${host} is not served here`, 403);
    const refusal = c.req.method === "GET" || c.req.method === "HEAD" ? null : crossSiteRefusal(c);
    if (refusal) return c.json({ error: refusal.error }, refusal.status);
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
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

  const busy = (c: Context) => {
    stats.refusedBusy++;
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return c.json(
      {
        error: `the server is busy (${caps.maxConcurrent} requests running and ${caps.maxQueued} waiting); try again in a few seconds`,
      },
      503,
    );
  };
  const answer = (c: Context, reply: WorkReply) =>
    c.body(reply.body, reply.status as 200, { "Content-Type": "application/json; charset=utf-8" });

  // POST a scenario document (YAML or JSON text, never code); ?seed=N replaces its seed. Parsing
  // and running happen on a thread; the answer is due maxWallSeconds after the request arrived.
  app.post("/api/run", limit, async (c) => {
    const deadline = Date.now() + caps.maxWallSeconds * 1000;
    const text = await c.req.text();
    const seedText = c.req.query("seed");
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0))
      return c.json({ error: `seed must be an integer >= 0, got "${seedText}"` }, 400);
    const file = c.req.query("file") ?? "scenario.yaml";
    stats.runsStarted++;
    try {
      const reply = await pool.run(
        { kind: "run", text, file, ...(seed !== undefined && { seed }), caps, deadline },
        c.req.raw.signal,
      );
      stats.runsFinished++;
      return answer(c, reply);
    } catch (e) {
      if (e instanceof ServerBusyError) return busy(c);
      if (e instanceof CancelledError) {
        stats.runsCancelled++;
        return c.json({ error: "cancelled" }, 499 as 400);
      }
      throw e;
    }
  });

  // POST {scenario, x, y, replications} (axes as `metastable map` takes them); the answer streams
  // one JSON line per progress step, then {"result": MapResult} (or {"error"}).
  app.post("/api/map", limit, async (c) => {
    const deadline = Date.now() + caps.maxMapWallSeconds * 1000;
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
    const abort = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const { port1, port2 } = new MessageChannel();
    // The first message says the scenario parsed and the axes fit it; an answer before it is a refusal.
    const planned = new Promise<void>((resolve) => port1.once("message", () => resolve()));
    stats.mapsStarted++;
    const task = pool.run(
      {
        kind: "map",
        text: body.scenario,
        file: c.req.query("file") ?? "scenario.yaml",
        x,
        y,
        replications,
        caps,
        deadline,
        port: port2,
      },
      abort.signal,
      [port2],
    );
    const cancelled = () => {
      stats.mapsCancelled++;
      port1.close();
    };
    let first: WorkReply | undefined;
    try {
      first = await Promise.race([task, planned.then(() => undefined)]);
    } catch (e) {
      port1.close();
      if (e instanceof ServerBusyError) return busy(c);
      if (e instanceof CancelledError) {
        cancelled();
        return c.json({ error: "cancelled" }, 499 as 400);
      }
      throw e;
    }
    if (first) {
      port1.close();
      return answer(c, first);
    }
    return stream(c, async (out) => {
      out.onAbort(() => abort.abort());
      port1.on("message", (m: MapMessage) => {
        if ("done" in m) void out.write(`${JSON.stringify(m)}\n`);
      });
      try {
        const reply = await task;
        port1.close();
        if (reply.status === 200) stats.mapsFinished++;
        await out.write(`${reply.body}\n`);
      } catch (e) {
        if (e instanceof CancelledError) cancelled();
        else await out.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
      }
    });
  });

  app.all("/api/*", (c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));

  app.get("*", async (c) => {
    if (!options.webDir) return c.text("the dashboard is not built (npm run build)", 404);
    const accepts = c.req.header("accept-encoding") ?? "";
    const file =
      (await staticResponse(options.webDir, c.req.path, accepts)) ??
      (await staticResponse(options.webDir, "/index.html", accepts));
    if (!file) return c.text("the dashboard is not built (npm run build)", 404);
    return c.body(new Uint8Array(file.body), 200, file.headers);
  });

  return { app, stats, caps, close: () => pool.close() };
}

/**
 * Why a request that changes or costs something is refused as cross-site, or null. Another site's
 * page can make the browser POST here; the browser marks such requests (Origin, Sec-Fetch-Site),
 * and cannot send a JSON or YAML body or a custom header to another origin without a preflight.
 */
function crossSiteRefusal(c: Context): { status: 403 | 415; error: string } | null {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return { status: 403, error: `cross-site request refused (Sec-Fetch-Site: ${site})` };
  const origin = c.req.header("origin");
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {}
    if (host === null || host !== (c.req.header("host") ?? "").toLowerCase())
      return { status: 403, error: `cross-site request refused (Origin: ${origin.slice(0, 100)})` };
  }
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!DOCUMENT_TYPES.has(type) && c.req.header(CLIENT_HEADER) === undefined)
    return {
      status: 415,
      error: `send the body as Content-Type: application/json or application/yaml (or with an ${CLIENT_HEADER} header)`,
    };
  return null;
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
