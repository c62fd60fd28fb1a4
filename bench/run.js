// Engine benchmarks: `npm run bench` (builds first). Prints events per second and memory, then each
// target of issue 15 as a ratio of two things measured in this same run (alternating, medians of
// several processes), so a busy or slow machine shifts both sides alike.
// Figures go in BENCHMARKS.md with the machine they were measured on.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDistribution } from "../dist/engine/distributions.js";
import { Simulation } from "../dist/engine/simulation.js";
import { Server } from "../dist/model/components/server.js";
import { Source } from "../dist/model/components/source.js";
import { parseScenarioText } from "../dist/scenario/parse.js";
import { runScenario } from "../dist/scenario/run.js";
import { bareMm1 } from "./bare-loop.js";

const gc = globalThis.gc ?? (() => {});
const mb = (b) => (b / 2 ** 20).toFixed(1);

function heapAfterGc() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** M/M/1 at utilisation rho: Poisson arrivals straight into one exponential server. */
function mm1Model(rho) {
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
  return { sim, server };
}

function mm1(rho, targetEvents) {
  const { sim, server } = mm1Model(rho);
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
  const text = readFileSync(new URL("../scenarios/retry-storm-seed.yaml", import.meta.url), "utf8");
  const parsed = parseScenarioText(text, "retry-storm-seed.yaml");
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

/**
 * The same M/M/1 as the bare loop, on the engine, with two small handlers in place of the Source
 * and Server components: what the engine itself (heap, slots, handles, dispatch) costs.
 */
function engineInlineMm1(rho, targetEvents) {
  const sim = engineInlineModel(rho);
  const t0 = performance.now();
  sim.run({ maxEvents: targetEvents });
  return { seconds: (performance.now() - t0) / 1000, events: sim.events };
}

function engineInlineModel(rho) {
  const sim = new Simulation({ seed: 1 });
  const arrivals = sim.stream("source:arrivals");
  const service = sim.stream("server:s");
  let queued = 0;
  let busy = false;
  const server = {
    handleEvent() {
      if (queued > 0) {
        queued--;
        sim.schedule(-Math.log(1 - service.next()), server);
      } else busy = false;
    },
  };
  const source = {
    handleEvent() {
      sim.schedule(-Math.log(1 - arrivals.next()) / rho, source);
      if (busy) queued++;
      else {
        busy = true;
        sim.schedule(-Math.log(1 - service.next()), server);
      }
    },
  };
  sim.schedule(-Math.log(1 - arrivals.next()) / rho, source);
  return sim;
}

/** `count <workload> <warm> <n>`: runs warm + n events of an M/M/1 and nothing else (bench/instructions.js). */
function count(w, warm, n) {
  if (w === "storm") {
    // Whole scenario runs: `warm` of them, then `n` more.
    for (let i = 0; i < warm + n; i++) retryStormScaled(100);
  } else if (w === "bare") {
    bareMm1(0.9, warm);
    bareMm1(0.9, n);
  } else {
    const sim = w === "mm1" ? mm1Model(0.9).sim : engineInlineModel(0.9);
    // In steps, as a scenario run calls it (between probes), so `run` is compiled as a whole
    // function rather than only entered mid-loop (on-stack replacement).
    for (let e = Math.min(warm + n, 50_000); ; e = Math.min(warm + n, e + 50_000)) {
      sim.run({ maxEvents: e });
      if (e === warm + n) break;
    }
  }
}

function benchInline() {
  engineInlineMm1(0.9, 500_000);
  const r = engineInlineMm1(0.9, events);
  console.log(
    `engine, inline M/M/1 handlers, rho=0.9: ${r.events} events in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds / 1e6).toFixed(2)} M events/s`,
  );
}

function benchBare() {
  bareMm1(0.9, 500_000);
  const r = bareMm1(0.9, events);
  console.log(
    `bare loop M/M/1 rho=0.9: ${r.events} events in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds / 1e6).toFixed(2)} M events/s`,
  );
}

const root = fileURLToPath(new URL("..", import.meta.url));
const script = fileURLToPath(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs, digits = 2) => xs.map((x) => x.toFixed(digits)).join(", ");

/** Runs `node args` from the repository root; returns stdout, stderr and wall seconds. */
function node(args, timeoutMs = 600_000) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 2 ** 26,
  });
  if (r.status !== 0)
    throw new Error(`node ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

/** CPU seconds (all threads) of `node args`, read from bench/cpu-at-exit.mjs. */
function cpuOf(args) {
  return cpuSplitOf(args).all;
}

/** CPU seconds of a whole node process: all threads, and its main thread alone. */
function cpuSplitOf(args) {
  const r = node(["--import", "./bench/cpu-at-exit.mjs", ...args]);
  return {
    all: Number(/cpu-seconds ([\d.e-]+)/.exec(r.stderr)[1]),
    main: Number(/main-thread-seconds ([\d.eNa-]+)/.exec(r.stderr)[1]),
  };
}

/** Calls each of `fns` in turn, `rounds` times; returns the results per function. */
function alternate(rounds, fns) {
  const out = fns.map(() => []);
  for (let i = 0; i < rounds; i++) for (const [k, f] of fns.entries()) out[k].push(f());
  return out;
}

const RUN = ["bin/metastable.js", "run", "scenarios/retry-storm.yaml", "--json"];

/** 1. Start-up: a whole `run --json` of the seed model against a bare `node -e 0`, in CPU time. */
function ratioStartup(rounds) {
  const [run, bare, help] = alternate(rounds, [
    () => cpuOf(RUN),
    () => cpuOf(["-e", "0"]),
    () => cpuOf(["bin/metastable.js", "--help"]),
  ]);
  console.log(`start-up: CPU of \`metastable ${RUN.slice(1).join(" ")}\` / \`node -e 0\` (target <= 5)`);
  console.log(
    `  run ${fmt(run)} s; --help ${fmt(help)} s; node -e 0 ${fmt(bare)} s (medians ${median(run).toFixed(2)}, ${median(help).toFixed(2)}, ${median(bare).toFixed(2)})`,
  );
  console.log(
    `  ratio run / bare node: ${(median(run) / median(bare)).toFixed(2)}; --help / bare node: ${(median(help) / median(bare)).toFixed(2)}`,
  );
}

/** 2. Memory and time with a client timeout of 1e5 s against 1 s (bench/long-timeout.js). */
function ratioLongTimeout(rounds) {
  const one = (timeout) => JSON.parse(node(["bench/long-timeout.js", String(timeout), "10000"]).stdout);
  const [short, long] = alternate(rounds, [() => one(1), () => one(1e5)]);
  const rate = (rs) => median(rs.map((r) => r.eventsPerSec));
  const rss = (rs) => Math.max(...rs.map((r) => r.peakRssMB));
  console.log(
    `long timeout: M/M/1 at 900 req/s, 10,000 s, ${long[0].events.toLocaleString()} events, client timeout 1e5 s against 1 s (target < 200 MB)`,
  );
  console.log(
    `  timeout 1 s: ${fmt(short.map((r) => r.eventsPerSec / 1e6))} M events/s, peak RSS ${rss(short).toFixed(0)} MB`,
  );
  console.log(
    `  timeout 1e5 s: ${fmt(long.map((r) => r.eventsPerSec / 1e6))} M events/s, peak RSS ${rss(long).toFixed(0)} MB`,
  );
  console.log(
    `  ratio speed 1e5 s / 1 s: ${(rate(long) / rate(short)).toFixed(2)}; peak RSS 1e5 s: ${rss(long).toFixed(0)} MB`,
  );
}

/** Wall seconds of a shell command line run from the project root. */
function wallOf(cmd, env) {
  const t0 = performance.now();
  execFileSync("sh", ["-c", cmd], { cwd: root, env, stdio: "ignore" });
  return (performance.now() - t0) / 1000;
}

/**
 * Wall seconds of the warm passes of bench/trials.mjs (passes 9 to 24; each process compiles its
 * trial code in the first ones), run as `copies` processes at once: the median process's figure.
 * This is how the trials themselves scale, without each worker's warm-up.
 */
function warmTrials(copies) {
  const dir = mkdtempSync(join(tmpdir(), "metastable-bench-"));
  const cmd = [
    process.execPath,
    fileURLToPath(new URL("trials.mjs", import.meta.url)),
    root,
    `${root}/scenarios/retry-storm.yaml`,
    "24",
  ]
    .map((a) => `'${a}'`)
    .join(" ");
  const outs = Array.from({ length: copies }, (_, i) => join(dir, `${i}.txt`));
  try {
    wallOf(`${outs.map((o) => `${cmd} > '${o}'`).join(" & ")} & wait`, process.env);
    return median(
      outs.map((o) =>
        readFileSync(o, "utf8")
          .split("\n")
          .filter((line) => line.includes(" trials ("))
          .slice(8)
          .reduce((sum, line) => sum + Number(/wall ([\d.]+) s/.exec(line)[1]), 0),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What one isolate's optimising compiler does over a 1-worker map (`--trace-opt --trace-deopt`):
 * the milliseconds its jobs took, how many there were, and how much of it compiled a function
 * again after a deoptimisation. Every thread of a pool pays this for itself.
 */
function compilerWork(args) {
  const r = node(["--trace-opt", "--trace-deopt", ...args]);
  const seen = new Set();
  let ms = 0;
  let again = 0;
  let jobs = 0;
  for (const m of r.stdout.matchAll(
    /completed compiling .*?\(sfi = (0x[0-9a-f]+)\).*? took ([\d.]+), ([\d.]+), ([\d.]+) ms/g,
  )) {
    const t = Number(m[2]) + Number(m[3]) + Number(m[4]);
    jobs++;
    ms += t;
    if (seen.has(m[1])) again += t;
    seen.add(m[1]);
  }
  const deopts = [...r.stdout.matchAll(/\[bailout \(kind: deopt-eager/g)].length;
  return { ms, again, jobs, functions: seen.size, deopts };
}

/** 3. A map on 2 worker threads against 1 (in-process), wall time, and the CPU each needs. */
function ratioWorkers(rounds) {
  // The issue's 4,000-trial map: 20 x 20 cells x 10 replications.
  const map = (w, y = "21:40:20", replications = 10) => [
    "bin/metastable.js",
    "map",
    "scenarios/retry-storm.yaml",
    "--x",
    "load=0.3:1.2:20",
    "--y",
    `sources.users.profile.steps.2.at=${y}`,
    "--replications",
    String(replications),
    "--workers",
    String(w),
    "--json",
    "--quiet",
  ];
  const [one, two] = alternate(rounds, [() => node(map(1)).seconds, () => node(map(2)).seconds]);
  // The same map with 4 times the replications: each thread's warm-up is paid once, over 4 times
  // the trials.
  const [longOne, longTwo] = alternate(rounds, [
    () => node(map(1, "21:40:20", 40)).seconds,
    () => node(map(2, "21:40:20", 40)).seconds,
  ]);
  // The same 4,000 trials as two independent 1-worker processes at once (rows 21-30 and 31-40):
  // what 2 cores give this work with no pool, batching or messaging at all.
  const halves = [map(1, "21:30:10"), map(1, "31:40:10")]
    .map((args) => [process.execPath, ...args].map((a) => `'${a}'`).join(" "))
    .join(" & ");
  const split = alternate(rounds, [() => wallOf(`${halves} & wait`, process.env)])[0];
  const [warmAlone, warmPair] = alternate(rounds, [() => warmTrials(1), () => warmTrials(2)]);
  const [cpuOne, cpuTwo] = alternate(rounds, [() => cpuSplitOf(map(1)), () => cpuSplitOf(map(2))]);
  const jit = compilerWork(map(1));
  // The machine's own ceiling: the same fixed piece of pure computation (the bare M/M/1 loop) in
  // one process alone, then in two processes at once. Cores that share execution units or a
  // memory bus scale less than 2x whatever the program does.
  const bare = [script, "bare"];
  const env = { ...process.env, BENCH_EVENTS: "20000000" };
  const quoted = [process.execPath, ...bare].map((a) => `'${a}'`).join(" ");
  const [alone, pair] = alternate(rounds, [
    () => wallOf(quoted, env),
    () => wallOf(`${quoted} & ${quoted} & wait`, env),
  ]);
  const all = (xs) => xs.map((x) => x.all);
  const mainOne = median(cpuOne.map((x) => x.main));
  const machine = (2 * median(alone)) / median(pair);
  console.log(
    `workers: map of the retry storm, 20 x 20 cells x 10 replications (4,000 trials), wall time (target >= 1.7 on 2 cores)`,
  );
  console.log(`  1 worker ${fmt(one)} s; 2 workers ${fmt(two)} s`);
  console.log(`  CPU of all threads: 1 worker ${fmt(all(cpuOne))} s; 2 workers ${fmt(all(cpuTwo))} s`);
  console.log(
    `  1 worker: its main thread ${fmt(cpuOne.map((x) => x.main))} s; the rest is V8's compiler and garbage collector on the other core`,
  );
  console.log(
    `  ceiling: the bare loop alone ${fmt(alone)} s, two at once ${fmt(pair)} s: the machine runs ${machine.toFixed(2)}x the work on 2 processes`,
  );
  // 1 worker takes at least its main thread's time; 2 workers on 2 cores at least their CPU over
  // what the 2 cores deliver. Their ratio is the most 2 workers can gain on this machine.
  console.log(
    `  the same trials as two independent 1-worker processes at once ${fmt(split)} s: ${(median(one) / median(split)).toFixed(2)}x the 1-worker map, with no pool between them`,
  );
  console.log(
    `  warm trials only (bench/trials.mjs, passes 9-24 of 24): alone ${fmt(warmAlone)} s, each of two at once ${fmt(warmPair)} s: ${((2 * median(warmAlone)) / median(warmPair)).toFixed(2)}x the work`,
  );
  console.log(
    `  one isolate's optimising compiler over the 1-worker map: ${(jit.ms / 1000).toFixed(2)} s in ${jit.jobs} jobs for ${jit.functions} functions, ${(jit.again / 1000).toFixed(2)} s of it compiling again after ${jit.deopts} deoptimisations`,
  );
  console.log(
    `  most 2 workers can gain here: ${((machine * mainOne) / median(all(cpuTwo))).toFixed(2)}x (1 worker's main thread against 2 workers' CPU on ${machine.toFixed(2)} cores' worth)`,
  );
  console.log(
    `  the same map with 40 replications (16,000 trials): 1 worker ${fmt(longOne)} s; 2 workers ${fmt(longTwo)} s: ${(median(longOne) / median(longTwo)).toFixed(2)}x`,
  );
  console.log(
    `  ratio speed 2 workers / 1: ${(median(one) / median(two)).toFixed(2)} (${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)})`,
  );
}

/**
 * 4. The M/M/1 on the engine against the bare loop of bench/bare-loop.js: with two inline handlers
 * (the engine's own cost) and with the Source and Server components (what `run` meets).
 */
function ratioEngine(rounds) {
  const rate = (w) => Number(/= ([\d.]+) M events\/s/.exec(node(["--expose-gc", script, w]).stdout)[1]);
  const [inline, components, bare] = alternate(rounds, [
    () => rate("mm1-inline"),
    () => rate("mm1"),
    () => rate("bare"),
  ]);
  console.log(
    `engine: M/M/1 rho=0.9, ${events.toLocaleString()} events, on the engine / bare typed-array loop (target >= 0.8)`,
  );
  console.log(
    `  engine, inline handlers ${fmt(inline)} M events/s; engine, Source and Server components ${fmt(components)} M events/s; bare loop ${fmt(bare)} M events/s`,
  );
  console.log(
    `  ratio engine (inline handlers) / bare loop: ${(median(inline) / median(bare)).toFixed(2)}; with components: ${(median(components) / median(bare)).toFixed(2)}`,
  );
}

// Each workload runs in a process of its own: run after the M/M/1, the storm would inherit call
// sites the JIT had specialised for the M/M/1's sink, and measure that instead of itself.
const workload = process.argv[2];
if (workload === "count") count(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else if (workload === "mm1") benchMm1();
else if (workload === "storm") benchStorm();
else if (workload === "bare") benchBare();
else if (workload === "mm1-inline") benchInline();
else if (workload === "startup") ratioStartup(Number(process.env.BENCH_ROUNDS ?? 7));
else if (workload === "long-timeout") ratioLongTimeout(Number(process.env.BENCH_ROUNDS ?? 1));
else if (workload === "workers") ratioWorkers(Number(process.env.BENCH_ROUNDS ?? 3));
else if (workload === "engine") ratioEngine(Number(process.env.BENCH_ROUNDS ?? 3));
else {
  console.log(
    `machine: ${cpus()[0]?.model ?? "unknown"} x${cpus().length}, node ${process.version}, load average ${loadavg()[0].toFixed(1)}`,
  );
  const run = (flags, w) =>
    process.stdout.write(execFileSync(process.execPath, [...flags, script, w], { encoding: "utf8" }));
  run(["--expose-gc"], "mm1");
  run(["--expose-gc"], "storm");
  // Strictly one core: V8 without its background threads (concurrent GC marking and compiling).
  console.log("with --single-threaded (no V8 helper threads):");
  run(["--expose-gc", "--single-threaded"], "storm");
  console.log("\ntargets, each a ratio of two measurements of this run:");
  ratioStartup(Number(process.env.BENCH_ROUNDS ?? 7));
  ratioEngine(Number(process.env.BENCH_ROUNDS ?? 3));
  ratioLongTimeout(1);
  ratioWorkers(Number(process.env.BENCH_ROUNDS ?? 3));
}
