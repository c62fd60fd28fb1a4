// Piscina loads its worker with require() first. On Node 20, require() of an ES module that fails
// midway (e.g. a file being rebuilt) leaves it half-loaded and piscina's import() fallback then
// crashes; a CommonJS entry that imports the ES module itself avoids require(esm) altogether.
import fs = require("node:fs");
import path = require("node:path");

type TrialWorker = typeof import("./trial-worker.js");

// The bundle `npm run build` makes (rolldown.config.mjs) starts a thread with a few modules
// instead of ~150; a tsc build newer than it (a developer's `npx tsc`) wins.
function workerModule(): string {
  try {
    const bundle = fs.statSync(path.join(__dirname, "trial-worker.bundle.js")).mtimeMs;
    if (bundle >= fs.statSync(path.join(__dirname, "trial-worker.js")).mtimeMs)
      return "./trial-worker.bundle.js";
  } catch {}
  return "./trial-worker.js";
}

let loading: Promise<TrialWorker> | undefined;

module.exports = async function runTrialBatch(batch: Parameters<TrialWorker["runTrialBatch"]>[0]) {
  loading ??= import(workerModule()) as Promise<TrialWorker>;
  const worker = await loading;
  return worker.runTrialBatch(batch);
};
