// Map benchmark: `npm run bench:map` (builds first). A 20 x 20 map of the retry storm with 10
// replications per cell (4,000 trials) through the CLI, on every core. Figures go in BENCHMARKS.md.
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const args = [
  "bin/metastable.js",
  "map",
  "scenarios/retry-storm-seed.yaml",
  // Load factor (9 req/s base, the spike scaled with it) x spike length (the spike starts at 20 s
  // and this step ends it: 1 to 20 s).
  "--x",
  "load=0.3:1.2:20",
  "--y",
  "sources.users.profile.steps.2.at=21:40:20",
  "--replications",
  "10",
  "--workers",
  String(workers),
  "--json",
  "--quiet",
];
const t0 = performance.now();
const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
const seconds = (performance.now() - t0) / 1000;
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const map = JSON.parse(r.stdout);
const trials = map.cells.length * map.replications;
const stuck = map.cells.filter((c) => c.pStuck.mean >= 0.5).length;
console.log(`node ${args.join(" ")}`);
console.log(
  `machine: ${cpus()[0]?.model ?? "unknown"}, ${availableParallelism()} cores, node ${process.version}`,
);
console.log(
  `${map.cells.length} cells x ${map.replications} replications = ${trials} trials in ${seconds.toFixed(1)} s ` +
    `(${(trials / seconds).toFixed(0)} trials/s, ${workers} workers); ${stuck} cells stuck in most replications`,
);
