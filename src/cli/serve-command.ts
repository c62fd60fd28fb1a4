import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createApp } from "../web/server.js";
import { UsageError } from "./usage-error.js";

/** Flags of `metastable serve`. */
export interface ServeFlags {
  port: number;
  host: string;
  scenarios: string;
}

// The Vite build of web/ (npm run build); found next to dist/ whether this runs from src/ or dist/.
const WEB_DIR = fileURLToPath(new URL("../../dist-web/", import.meta.url));
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** `metastable serve`: the dashboard and its API until interrupted (Ctrl-C). */
export function serveCommand(flags: ServeFlags, print: (s: string) => void): Promise<void> {
  if (!existsSync(flags.scenarios)) throw new UsageError(`--scenarios ${flags.scenarios}: no such folder`);
  const webDir = existsSync(WEB_DIR) ? WEB_DIR : null;
  // Bound to one address, only that name (and loopback's) may be asked for; bound to every
  // interface, the machine may be reached under any name, so the Host check is off.
  const wildcard = flags.host === "0.0.0.0" || flags.host === "::";
  const allowedHosts = LOOPBACK.has(flags.host)
    ? undefined
    : wildcard
      ? null
      : [flags.host, "127.0.0.1", "localhost", "[::1]"];
  const { app, close } = createApp({
    scenariosDir: flags.scenarios,
    webDir,
    ...(allowedHosts !== undefined && { allowedHosts }),
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: flags.port, hostname: flags.host }, (info) => {
      const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
      if (!webDir) print("warning: the dashboard is not built (run npm run build); serving the API only\n");
      if (!LOOPBACK.has(flags.host))
        print(`warning: listening on ${flags.host}: anyone who can reach this machine can run scenarios\n`);
      print(`Dashboard on http://${host}:${info.port}/ (Ctrl-C stops it)\n`);
    });
    server.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "EADDRINUSE"
          ? new UsageError(`port ${flags.port} is in use; pick another with --port`)
          : e,
      ),
    );
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      server.close(() => void close().then(resolve, reject));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
