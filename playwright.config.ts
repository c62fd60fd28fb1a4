import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser (`npm test` installs the package when missing).
const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => existsSync(p));
// A free port, picked once and handed to the workers through the environment, so two test runs
// on one machine (a scratch clone, CI next to a developer) do not collide.
process.env.E2E_PORT ??= execFileSync(
  process.execPath,
  [
    "-e",
    "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });",
  ],
  { encoding: "utf8" },
).trim();
const PORT = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: "test/e2e",
  outputDir: "test-results/e2e",
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 1000 },
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      ...(CHROMIUM && { executablePath: CHROMIUM }),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: `node bin/metastable.js serve --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/api/caps`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
