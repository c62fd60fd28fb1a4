// The cost of map trials, for comparing two builds of the project (issue 10: the verdict must not
// slow a map trial by more than 10%). Runs 160 trials of the retry storm (16 loads from 0.3x to
// 1.2x, seeds 1-10), as a map does (each judged, with its control run where the verdict needs one),
// after one warm-up pass.
//
//   node bench/trials.mjs [ROOT] [SCENARIO] [PASSES]
//
// ROOT is a checkout whose dist/ is built (default: this one). Wall and CPU times are printed per
// pass; on a shared machine compare instruction counts instead, e.g.
//   valgrind --tool=callgrind node --single-threaded bench/trials.mjs ROOT SCENARIO 0   (warm-up only)
//   valgrind --tool=callgrind node --single-threaded bench/trials.mjs ROOT SCENARIO 2
// and divide the difference by 320 trials.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
const file = process.argv[3] ?? `${root}/scenarios/retry-storm.yaml`;
const passes = Number(process.argv[4] ?? 3);
const { parseScenarioText } = await import(`${root}/dist/scenario/parse.js`);
const { runTrial } = await import(`${root}/dist/analysis/trial.js`);
const { scaleLoad } = await import(`${root}/dist/analysis/scale-load.js`);
const parsed = parseScenarioText(readFileSync(file, "utf8"), file);
const loads = Array.from({ length: 16 }, (_, i) => 0.3 + (i * 0.9) / 15);

function pass() {
  let stuck = 0;
  let n = 0;
  for (const k of loads) {
    const spec = scaleLoad(parsed.spec, k);
    for (let seed = 1; seed <= 10; seed++) {
      n++;
      if (runTrial(parsed, spec, seed).stuck) stuck++;
    }
  }
  return { n, stuck };
}

pass();
for (let i = 0; i < passes; i++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { n, stuck } = pass();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${n} trials (${stuck} stuck): wall ${((performance.now() - t0) / 1000).toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
  );
}
