import { defineConfig } from "vitest/config";

// Two projects with their own time limits, so a slow machine fails a test with a message rather
// than hanging. Unit tests run in this process only; integration tests start processes, threads,
// servers or Redis, and run after the unit tests (groupOrder), one file at a time: each already
// keeps the cores busy, and side by side they would only wait for each other.
const INTEGRATION = [
  "test/cli/**/*.test.ts",
  "test/web/server.test.ts",
  "test/web/server-hardening.test.ts",
  "test/web/serve-command.test.ts",
  "test/fuzz/scenario-loader.test.ts",
  "test/readme.test.ts",
];

export default defineConfig({
  test: {
    // The whole run, if a worker does not close (a handle left open), is cut off with a message.
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: INTEGRATION,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: INTEGRATION,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
