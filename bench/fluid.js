// Fluid model benchmark: `npm run bench:fluid` (builds first). Times the whole analysis of the
// retry-storm family (one M/M/1 server, timeouts 0.5/1/2 s, 2-5 attempts, at half capacity, where
// the band, the saddle, tipping and recovery all exist) and of the scenarios in the catalog it
// covers, after a warm-up, as the dashboard calls it while a parameter is dragged.
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { analyseFluid, analyseScenarioFluid, fluidBand } from "../dist/fluid/analyse.js";
import { deriveFluidModel } from "../dist/fluid/fluid-model.js";
import { parseScenarioText } from "../dist/scenario/parse.js";

const family = (timeout, attempts) => `name: family
duration: 100
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server, timeout: ${timeout}, maxAttempts: ${attempts} }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.1 } }
`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Wall time and this process's CPU time (user + system) per call: on a shared, busy machine the
// CPU time is the figure to read (the wall time includes waiting for a core).
function time(label, fn, runs = 30, warm = Math.min(5, runs)) {
  for (let i = 0; i < warm; i++) fn();
  const ms = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(
    `${label.padEnd(58)} median ${median(ms).toFixed(2)} ms (CPU ${median(cpu).toFixed(2)} ms), max ${Math.max(...ms).toFixed(2)} ms (CPU ${Math.max(...cpu).toFixed(2)} ms)`,
  );
}

console.log(
  `Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
// As the dashboard's worker sees it after it starts: the retry storm at its own load, parse and
// all, with nothing compiled yet (the first calls include V8 compiling the model), then warm.
{
  const text = readFileSync("scenarios/retry-storm.yaml", "utf8");
  for (let i = 1; i <= 3; i++)
    time(
      `retry-storm.yaml as the page asks, call ${i} (cold)`,
      () => analyseScenarioFluid(parseScenarioText(text, "retry-storm.yaml")),
      1,
      0,
    );
  time(
    "retry-storm.yaml as the page asks, warm",
    () => analyseScenarioFluid(parseScenarioText(text, "retry-storm.yaml")),
    20,
  );
}
for (const timeout of [0.5, 1, 2]) {
  for (const attempts of [2, 3, 4, 5]) {
    const model = deriveFluidModel(parseScenarioText(family(timeout, attempts), "family.yaml"));
    time(`family timeout ${timeout} s, ${attempts} attempts`, () => analyseFluid(model));
  }
}
for (const file of [
  "retry-storm",
  "retry-storm-retry-budget",
  "retry-storm-backoff-drop-expired",
  "retry-storm-backoff-jitter",
  "gc-pause",
  // Multi-tier chains: every layer's attempt probabilities from the bottom queue, per table point.
  "multi-tier-retry-storm",
  "multi-tier-retry-storm-one-layer",
  "multi-tier-retry-storm-budgets",
]) {
  const parsed = parseScenarioText(readFileSync(`scenarios/${file}.yaml`, "utf8"), file);
  time(`scenarios/${file}.yaml (parse + derive + analyse)`, () => analyseScenarioFluid(parsed), 10);
}
// Caches over a database: three states (hit rate, database queue, orbit), a contended database of
// 1600 places, and stuck states found by following the flow (stiff where the database's queue is
// full: Dormand-Prince hands over to ROS2 there). The band alone is what a map or threshold report
// computes per row.
for (const file of ["cache-flush", "cache-flush-shedding", "cache-flush-warmup"]) {
  const parsed = parseScenarioText(readFileSync(`scenarios/${file}.yaml`, "utf8"), file);
  time(`scenarios/${file}.yaml (parse + derive + analyse)`, () => analyseScenarioFluid(parsed), 10, 3);
  const model = deriveFluidModel(parsed);
  time(`scenarios/${file}.yaml (band only)`, () => fluidBand(model), 10, 3);
}
