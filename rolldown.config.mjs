// Bundles the compiled CLI (dist/cli, after tsc) into a few files beside it, so a command loads
// a handful of modules instead of about 200 (zod alone is 95): module loading was most of a short
// run's CPU. Packages that are large and used by few commands (charts, web server, Redis, the
// thread pool) stay external and load only when those commands import them. The output sits in
// dist/cli so paths the CLI resolves from its own location (package.json, dist-web) still hold.
// bin/metastable.js and the worker entry use a bundle only when it is newer than tsc's output.
import { defineConfig } from "rolldown";

const EXTERNAL = [
  "echarts",
  "zrender",
  "hono",
  "@hono/node-server",
  "bullmq",
  "ioredis",
  "piscina",
  "cli-progress",
];

export default defineConfig({
  input: {
    "main.bundle": "dist/cli/main.js",
    "trial-worker.bundle": "dist/cli/trial-worker.js",
  },
  platform: "node",
  external: (id) => EXTERNAL.some((p) => id === p || id.startsWith(`${p}/`)),
  output: {
    dir: "dist/cli",
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "bundle-[name].js",
  },
  logLevel: "warn",
});
