// Engine benchmarks: `npm run bench` (builds first). Prints events per second and memory.
// Figures go in BENCHMARKS.md with the machine they were measured on.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { createDistribution } from "../dist/engine/distributions.js";
import { Simulation } from "../dist/engine/simulation.js";
import { Source } from "../dist/model/load/source.js";
import { Server } from "../dist/model/server.js";
import { parseScenarioText } from "../dist/scenario/parse.js";
import { runScenario } from "../dist/scenario/run.js";

const gc = globalThis.gc ?? (() => {});
const mb = (b) => (b / 2 ** 20).toFixed(1);

function heapAfterGc() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** M/M/1 at utilisation rho: Poisson arrivals straight into one exponential server. */
function mm1(rho, targetEvents) {
  const sim = new Simulation({ seed: 1 });
  const server = new Server(sim, "s", { serviceTime: createDistribution({ kind: "exponential", mean: 1 }) });
  let token = 0;
  const caller = { reply: () => true, requestOf: () => -1 };
  const sink = { name: "sink", request: () => server.accept(caller, token++, Number.POSITIVE_INFINITY) };
  const source = new Source(sim, "arrivals", sink, {
    profile: { kind: "constant", rate: rho },
    arrivals: "poisson",
  });
  source.start();
  const checkpoints = [];
  const chunk = targetEvents / 5;
  let peakRss = process.memoryUsage().rss;
  const t0 = performance.now();
  let runMs = 0;
  for (let i = 1; i <= 5; i++) {
    const s = performance.now();
    sim.run({ maxEvents: chunk * i });
    runMs += performance.now() - s;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    checkpoints.push({ events: sim.events, requestsDone: server.stats.served, heapMB: mb(heapAfterGc()) });
  }
  const wall = (performance.now() - t0) / 1000;
  return {
    events: sim.events,
    seconds: runMs / 1000,
    wall,
    eventsPerSec: sim.events / (runMs / 1000),
    peakRss,
    checkpoints,
  };
}

/** The retry-storm scenario with rates x100 and times / 100, same 110 simulated seconds. */
function retryStormScaled(factor) {
  const text = readFileSync(new URL("../scenarios/retry-storm.yaml", import.meta.url), "utf8");
  const parsed = parseScenarioText(text, "retry-storm.yaml");
  const spec = structuredClone(parsed.spec);
  for (const s of Object.values(spec.sources)) for (const step of s.profile.steps) step.rate *= factor;
  for (const c of Object.values(spec.clients)) c.timeout /= factor;
  for (const v of Object.values(spec.servers)) v.serviceTime.mean /= factor;
  spec.probeInterval = 0.1;
  const scaled = { ...parsed, spec };
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const out = runScenario(scaled);
  const seconds = (performance.now() - t0) / 1000;
  return {
    events: out.result.events,
    seconds,
    eventsPerSec: out.result.events / seconds,
    requests: out.result.totals.requests,
    attempts: out.result.totals.attempts,
    peakRss: Math.max(before, process.memoryUsage().rss),
  };
}

const events = Number(process.env.BENCH_EVENTS ?? 10_000_000);

function benchMm1() {
  // Warm up the JIT so the first measured run is not the interpreter's.
  mm1(0.9, 500_000);
  const m = mm1(0.9, events);
  console.log(
    `M/M/1 rho=0.9: ${m.events.toLocaleString()} events in ${m.seconds.toFixed(2)} s = ${(m.eventsPerSec / 1e6).toFixed(2)} M events/s; peak RSS ${mb(m.peakRss)} MB`,
  );
  console.log("  heap after GC at checkpoints (should stay flat as finished requests pile up):");
  for (const c of m.checkpoints)
    console.log(
      `    ${c.events.toLocaleString()} events, ${c.requestsDone.toLocaleString()} served: ${c.heapMB} MB`,
    );
}

function benchStorm() {
  // The storm run is short (about 0.1 s), so one run mostly measures the JIT warming up (it keeps
  // re-optimising for about five runs): warm up on full-size runs first, then report the median of
  // several, with the first (coldest) run beside it.
  const STORM_RUNS = Number(process.env.BENCH_STORM_RUNS ?? 9);
  const cold = retryStormScaled(100);
  for (let i = 0; i < 4; i++) retryStormScaled(100);
  const runs = Array.from({ length: STORM_RUNS }, () => retryStormScaled(100)).sort(
    (a, b) => a.seconds - b.seconds,
  );
  const r = runs[Math.floor(runs.length / 2)];
  const rate = (x) => `${(x.eventsPerSec / 1e6).toFixed(2)} M events/s`;
  console.log(
    `retry storm x100: ${r.events.toLocaleString()} events (${r.requests.toLocaleString()} requests, ${r.attempts.toLocaleString()} attempts), including metrics`,
  );
  console.log(
    `  median of ${runs.length} warm runs: ${r.seconds.toFixed(3)} s = ${rate(r)} (fastest ${rate(runs[0])}, slowest ${rate(runs.at(-1))}); first cold run ${rate(cold)}`,
  );
  console.log(`  peak RSS ${mb(Math.max(...runs.map((x) => x.peakRss), cold.peakRss))} MB`);
}

// Each workload runs in a process of its own: run after the M/M/1, the storm would inherit call
// sites the JIT had specialised for the M/M/1's sink, and measure that instead of itself.
const workload = process.argv[2];
if (workload === "mm1") benchMm1();
else if (workload === "storm") benchStorm();
else {
  console.log(`machine: ${cpus()[0]?.model ?? "unknown"} x${cpus().length}, node ${process.version}`);
  const script = new URL(import.meta.url).pathname;
  const run = (flags, w) =>
    process.stdout.write(execFileSync(process.execPath, [...flags, script, w], { encoding: "utf8" }));
  run(["--expose-gc"], "mm1");
  run(["--expose-gc"], "storm");
  // Strictly one core: V8 without its background threads (concurrent GC marking and compiling).
  console.log("with --single-threaded (no V8 helper threads):");
  run(["--expose-gc", "--single-threaded"], "storm");
}
