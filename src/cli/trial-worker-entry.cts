// Piscina loads its worker with require() first. On Node 20, require() of an ES module that fails
// midway (e.g. a file being rebuilt) leaves it half-loaded and piscina's import() fallback then
// crashes; a CommonJS entry that imports the ES module itself avoids require(esm) altogether.
type TrialWorker = typeof import("./trial-worker.js");

let loading: Promise<TrialWorker> | undefined;

module.exports = async function runTrialJob(job: Parameters<TrialWorker["default"]>[0]) {
  loading ??= import("./trial-worker.js");
  const worker = await loading;
  return worker.default(job);
};
