// Piscina loads its worker with require(); a CommonJS entry that imports the ES module itself
// avoids require(esm) on Node 20 (see src/cli/trial-worker-entry.cts).
type ServerWork = typeof import("./server-work.js");

let loading: Promise<ServerWork> | undefined;

module.exports = async function serverWork(task: Parameters<ServerWork["default"]>[0]) {
  loading ??= import("./server-work.js");
  const work = await loading;
  return work.default(task);
};
