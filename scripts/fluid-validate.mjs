// Compares the fluid model's bistable band with the simulator, and writes the comparison as the
// last section of docs/validation.md (everything after FLUID_MARKER; scripts/validate.mjs keeps
// it). Needs `npm run build` (reads dist/). Usage: node scripts/fluid-validate.mjs [--seeds N]
//
// For one server (exponential service, mean 0.1 s: 10 req/s) called by a client with no backoff,
// for every maxAttempts K in 2..5 and timeout in 0.5, 1, 2 s, Poisson arrivals:
// - self-tipping: from an empty system at a constant load, no trigger, for RUN seconds: stuck at
//   the end (queue over STUCK_QUEUE and goodput under half the load over the last 100 s)? The
//   fluid model says this happens above `bistable.high`.
// - recovery: the server paused for PAUSE s at 10 s (which leaves it stuck), then a constant load
//   for RUN seconds: recovered at the end (queue under STUCK_QUEUE, goodput at least 70% of the
//   load over the last 100 s)?
//   The fluid model says this happens below `bistable.low`.
// The simulated edge is where the fraction of seeds crosses one half, interpolated between loads.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyseScenarioFluid } from "../dist/fluid/analyse.js";
import { buildModel } from "../dist/scenario/build.js";
import { parseScenarioText } from "../dist/scenario/parse.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const FLUID_MARKER = "<!-- fluid model section: written by scripts/fluid-validate.mjs -->";
const seedsArg = process.argv.indexOf("--seeds");
const SEEDS = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 10;
const RUN = 1000;
const PAUSE = 20;
const STUCK_QUEUE = 50;
// Loads tried, as multiples of the fluid edge each experiment is compared with.
const TIP_FACTORS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1];
const RECOVERY_FACTORS = [0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15, 1.2];

function scenarioText({ load, timeout, attempts, pause = 0, queueCapacity, duration = RUN }) {
  const lines = [
    `name: fluid-validation`,
    `duration: ${duration}`,
    `probeInterval: ${duration / 10}`,
    `window: ${duration / 10}`,
    `sources:`,
    `  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: ${load} } }`,
    `clients:`,
    `  client: { target: server, timeout: ${timeout}, maxAttempts: ${attempts} }`,
    `servers:`,
    `  server:`,
    `    serviceTime: { kind: exponential, mean: 0.1 }`,
  ];
  if (queueCapacity !== undefined) lines.push(`    queueCapacity: ${queueCapacity}`);
  if (pause > 0) lines.push(`triggers:`, `  - { kind: pause, target: server, at: 10, duration: ${pause} }`);
  return `${lines.join("\n")}\n`;
}

/** One run: queue at the end, goodput over the last 100 s, and when the queue first passed `mark`. */
function simulate(text, seed, mark = Number.POSITIVE_INFINITY) {
  const model = buildModel(parseScenarioText(text, "fluid-validation.yaml"), seed);
  const { sim } = model;
  model.faults.start();
  for (const c of model.components) c.start?.();
  const client = model.clients[0];
  const server = model.components.find((c) => c.type === "server");
  const end = model.settings.duration;
  let crossed = null;
  let before = 0;
  for (let t = 1; t <= end; t++) {
    sim.run({ until: t, maxEvents: 50_000_000 });
    if (crossed === null && server.queueLength + server.inService >= mark) crossed = t;
    if (t === end - 100) before = client.stats.completions;
  }
  return {
    queue: server.queueLength + server.inService,
    goodput: (client.stats.completions - before) / 100,
    crossed,
  };
}

function fraction(seeds, test) {
  let n = 0;
  for (const seed of seeds) if (test(seed)) n++;
  return n / seeds.length;
}

/** Where `points` (load, fraction) crosses 1/2, by linear interpolation; null if it does not. */
function crossing(points, rising) {
  for (let i = 0; i + 1 < points.length; i++) {
    const [x0, p0] = points[i];
    const [x1, p1] = points[i + 1];
    const a = rising ? p0 : 1 - p0;
    const b = rising ? p1 : 1 - p1;
    if (a < 0.5 && b >= 0.5) return x0 + ((0.5 - a) / (b - a)) * (x1 - x0);
  }
  return null;
}

/**
 * Mean time for an M/M/1 queue (arrival rate a, service rate m) to first hold n calls, from empty:
 * Σ_{k<n} P(queue <= k) / (a P(queue = k)), with P(queue = k) ∝ (a/m)^k (birth-death first passage).
 */
function firstPassage(a, m, n) {
  const rho = a / m;
  let total = 0;
  let below = 0;
  let pk = 1;
  for (let k = 0; k < n; k++) {
    below += pk;
    total += below / (a * pk);
    pk *= rho;
  }
  return total;
}

const fmt = (x, d = 3) => (x === null ? "–" : Number(x.toPrecision(d)).toString());
const seeds = Array.from({ length: SEEDS }, (_, i) => 1 + i);
const started = performance.now();
const rows = [];
for (const timeout of [0.5, 1, 2]) {
  for (const attempts of [2, 3, 4, 5]) {
    const fluid = analyseScenarioFluid(
      parseScenarioText(scenarioText({ load: 5, timeout, attempts }), "fluid-validation.yaml"),
    );
    const { low, high } = fluid.bistable;
    const tipLoads = TIP_FACTORS.map((f) => f * high);
    const tipping = tipLoads.map((load) => [
      load,
      fraction(seeds, (seed) => {
        const r = simulate(scenarioText({ load, timeout, attempts }), seed);
        return r.queue > STUCK_QUEUE && r.goodput < load / 2;
      }),
    ]);
    const recLoads = RECOVERY_FACTORS.map((f) => f * low);
    const recovery = recLoads.map((load) => [
      load,
      fraction(seeds, (seed) => {
        const r = simulate(scenarioText({ load, timeout, attempts, pause: PAUSE }), seed);
        return r.queue < STUCK_QUEUE && r.goodput >= 0.7 * load;
      }),
    ]);
    const tip = crossing(tipping, true);
    const saddle =
      tip === null
        ? null
        : (analyseScenarioFluid(
            parseScenarioText(scenarioText({ load: tip, timeout, attempts }), "fluid-validation.yaml"),
          ).equilibria.find((e) => e.kind === "saddle")?.queue ?? null);
    const row = {
      timeout,
      saddle,
      reach: saddle === null ? null : firstPassage(tip, 10, Math.round(saddle)),
      reachTimeout: tip === null ? null : firstPassage(tip, 10, Math.ceil(10 * timeout) + 1),
      attempts,
      low,
      high,
      tip,
      recover: crossing(recovery, false),
      tipping,
      recovery,
    };
    rows.push(row);
    console.error(
      `timeout ${timeout} K ${attempts}: fluid [${fmt(low)}, ${fmt(high)}], simulated recover ${fmt(row.recover)} tip ${fmt(row.tip)}`,
    );
  }
}

// The DesCartes/Metafor example: 9.3 req/s into a 10 req/s server with a queue of 100, timeout 4 s,
// 4 attempts. The fluid model has no healthy state there: a long run with no trigger tips.
const example = { load: 9.3, timeout: 4, attempts: 4, queueCapacity: 100 };
const exampleFluid = analyseScenarioFluid(
  parseScenarioText(scenarioText({ ...example, duration: 3000 }), "fluid-validation.yaml"),
);
const exampleRuns = seeds.map((seed) => simulate(scenarioText({ ...example, duration: 3000 }), seed, 95));
const seconds = ((performance.now() - started) / 1000).toFixed(0);

const ratio = (x, y) => (x === null ? "–" : fmt(x / y, 2));
const span = (xs) => {
  const v = xs.filter((x) => x !== null);
  if (v.length === 0) return "–";
  const [lo, hi] = [fmt(Math.min(...v), 2), fmt(Math.max(...v), 2)];
  return lo === hi ? lo : `${lo}–${hi}`;
};
const recoveryRatios = span(rows.map((r) => (r.recover === null ? null : r.recover / r.low)));
const tipRatios = (timeout) =>
  span(rows.filter((r) => r.timeout === timeout).map((r) => (r.tip === null ? null : r.tip / r.high)));
const reachTimeout = span(rows.map((r) => r.reachTimeout));
const pct = (p) => `${Math.round(100 * p)}%`;
const md = [
  FLUID_MARKER,
  "",
  "## Fluid model against the simulator",
  "",
  `Written by \`node scripts/fluid-validate.mjs --seeds ${SEEDS}\` (after \`npm run build\`; ${seconds} s on`,
  `${process.version}); \`npm run validate\` keeps this section as it is. No pass/fail: the fluid model is`,
  "a mean-field approximation, and this section measures how far its band is from the simulated one.",
  "",
  "One server (exponential service, mean 0.1 s: capacity μ = 10 req/s), a client with no backoff,",
  "Poisson arrivals. *Fluid low* and *fluid high* are `metastable fluid`'s `bistable.low` and",
  "`bistable.high`. *Sim. recovery*: the server is paused for 20 s at 10 s (which leaves every",
  `configuration stuck), then the load is held for ${RUN} s; the load below which at least half of the`,
  `${SEEDS} seeds recovered (under ${STUCK_QUEUE} calls queued at the end and goodput at least 70% of the load`,
  "over the last 100 s: a Poisson count, so a tighter bar would fail healthy runs), interpolated between",
  `loads from ${RECOVERY_FACTORS[0]} to ${RECOVERY_FACTORS.at(-1)} × fluid low. *Sim. tipping*: from an empty system at a constant load,`,
  `no trigger, for ${RUN} s; the load above which at least half of the seeds ended stuck (more than`,
  `${STUCK_QUEUE} calls queued, goodput under half the load over the last 100 s), interpolated between`,
  `loads from ${TIP_FACTORS[0]} to ${TIP_FACTORS.at(-1)} × fluid high. Seeds 1–${SEEDS} at every load. *Saddle at tipping*: the`,
  "fluid model's unstable equilibrium (the queue a disturbance must reach) at the simulated tipping",
  "load, and the mean time an M/M/1 queue at that load, retries left out, takes to first reach it from",
  "empty; and the same for a queue of μτ + 1 calls, the depth at which a new call waits past its",
  "timeout on average: rough measures of how soon noise alone carries the healthy state over the edge.",
  "",
  "| Timeout (s) | Attempts | Fluid low | Sim. recovery | Recovery / fluid low | Fluid high | Sim. tipping | Tipping / fluid high | Saddle at tipping (calls) | M/M/1 time to reach it (s) | M/M/1 time to reach μτ + 1 (s) |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.timeout} | ${r.attempts} | ${fmt(r.low)} | ${fmt(r.recover)} | ${ratio(r.recover, r.low)} | ${fmt(r.high)} | ${fmt(r.tip)} | ${ratio(r.tip, r.high)} | ${fmt(r.saddle)} | ${fmt(r.reach, 2)} | ${fmt(r.reachTimeout, 2)} |`,
  ),
  "",
  "Fraction of seeds stuck at the end of the self-tipping runs, by load as a fraction of fluid high:",
  "",
  `| Timeout (s) | Attempts | ${TIP_FACTORS.map((f) => `${f}×`).join(" | ")} |`,
  `| ---: | ---: | ${rows[0].tipping.map(() => "---:").join(" | ")} |`,
  ...rows.map((r) => `| ${r.timeout} | ${r.attempts} | ${r.tipping.map(([, p]) => pct(p)).join(" | ")} |`),
  "",
  "Fraction of seeds recovered at the end of the recovery runs, by load as a fraction of fluid low:",
  "",
  `| Timeout (s) | Attempts | ${RECOVERY_FACTORS.map((f) => `${f}×`).join(" | ")} |`,
  `| ---: | ---: | ${rows[0].recovery.map(() => "---:").join(" | ")} |`,
  ...rows.map((r) => `| ${r.timeout} | ${r.attempts} | ${r.recovery.map(([, p]) => pct(p)).join(" | ")} |`),
  "",
  "### What the comparison shows",
  "",
  `**Recovery** matches: the simulated recovery load is ${recoveryRatios} × fluid low. With no backoff and`,
  "an unbounded queue, once every attempt times out the queue shrinks only if K × load is below the",
  "capacity, so low = μ / K, and the simulator agrees to the resolution of the load grid. Where it",
  "sits a little below, the run is too short: just under the edge the backlog of the pause drains",
  "at capacity - K × load, a fraction of a call per second, and with a 0.5 s timeout a system just",
  "recovered can tip again from noise (next paragraph).",
  "",
  `**Tipping** comes earlier than the fluid model says: ${tipRatios(0.5)} × fluid high with a 0.5 s timeout,`,
  `${tipRatios(1)} with 1 s, ${tipRatios(2)} with 2 s. Fluid high is where the healthy equilibrium stops`,
  "existing in the mean, and at that load every seed of every configuration ends stuck, so it is",
  "an upper bound. Below it the healthy state of the stochastic system is only metastable: a burst",
  "of Poisson arrivals that leaves about μτ calls queued makes the calls behind it time out; each",
  "timed-out call stays in the queue (its work is wasted) while its retry joins the back, so the",
  "queue multiplies up to K-fold within K timeouts, faster than it drains. The mean time an M/M/1",
  `queue at the simulated tipping load takes to first hold μτ + 1 calls is ${reachTimeout} s, the order of`,
  `the ${RUN} s run: this noise-induced tipping is what sets the simulated edge, and a longer run would`,
  "move it lower still (the fractions stuck rise with the run's length). The fluid model's own",
  "separatrix is much further away at short timeouts (the saddle column, and the astronomically long",
  "time to reach it): the pointwise-stationary approximation reads a queue of q calls as a steady",
  "queue with mean q, whose spread is as large as its mean, so it underestimates how surely a real",
  "queue of q calls times out, and the saddle lands at queues where a real one has long tipped. With",
  `a 2 s timeout (μτ = 20 calls) the saddle, ${span(rows.filter((r) => r.timeout === 2).map((r) => r.saddle))} calls, is close to that depth, and the simulated`,
  `edge is ${tipRatios(2)} × fluid high. So \`tippingDisturbance\` is the mean-field distance: an upper bound on`,
  "the push that tips the system, close when the timeout is many service times long, far too large",
  "when it is a few.",
  "",
  "### The DesCartes / Metafor example",
  "",
  "9.3 req/s into one server of 10 req/s with a queue of 100, a 4 s timeout and 4 attempts, Poisson",
  `arrivals, no trigger, 3000 s. Fluid: band ${fmt(exampleFluid.bistable.low)}–${fmt(exampleFluid.bistable.high)} req/s, so at 9.3 req/s the only`,
  `equilibrium is ${exampleFluid.equilibria.map((e) => `${e.kind} (queue ${fmt(e.queue)}, goodput ${fmt(e.goodput)} req/s)`).join(", ")}:`,
  `${exampleFluid.tippingDisturbance.note}. Simulated, seeds 1–${SEEDS}: ${exampleRuns.filter((r) => r.crossed !== null).length} of ${SEEDS} runs filled the queue (95 calls or more);`,
  `first time it did, per seed: ${exampleRuns.map((r) => (r.crossed === null ? "never" : `${r.crossed} s`)).join(", ")}; goodput over the last`,
  `100 s, per seed: ${exampleRuns.map((r) => fmt(r.goodput, 2)).join(", ")} req/s.`,
  "",
];
const doc = join(root, "docs", "validation.md");
const text = readFileSync(doc, "utf8");
const at = text.indexOf(FLUID_MARKER);
const head = (at >= 0 ? text.slice(0, at) : text).replace(/\n*$/, "\n\n");
// The cache section after it is written by scripts/fluid-cache-validate.mjs: keep it.
const CACHE_MARKER = "<!-- fluid cache section: written by scripts/fluid-cache-validate.mjs -->";
const cacheAt = text.indexOf(CACHE_MARKER);
writeFileSync(doc, head + md.join("\n") + (cacheAt >= 0 ? `\n${text.slice(cacheAt)}` : ""));
// Biome formats Markdown tables and `npm test` runs `biome ci`, as in scripts/validate.mjs.
spawnSync(join(root, "node_modules", ".bin", "biome"), ["format", "--write", doc], {
  cwd: root,
  stdio: "inherit",
});
console.error(`docs/validation.md: fluid section written (${seconds} s)`);
