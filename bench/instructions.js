// Instructions per event of the M/M/1 workloads, counted with callgrind (valgrind), which a busy
// machine does not disturb: `node bench/instructions.js [workload ...]` (after a build). Each
// workload runs WARM events, then N more, in one process; the same with N / 5 is subtracted, so
// start-up, imports, warm-up and the JIT's late recompilations cancel. Workloads: bare,
// mm1-inline, mm1.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const WARM = Number(process.env.WARM ?? 300_000);
const N = Number(process.env.N ?? 1_500_000);
const runner = fileURLToPath(new URL("./run.js", import.meta.url));

/** Instructions callgrind counts for one process running `workload` for WARM + n events. */
function instructions(workload, n) {
  const r = spawnSync(
    "valgrind",
    [
      "--tool=callgrind",
      "--callgrind-out-file=/dev/null",
      process.execPath,
      // One thread, and no GC or compiler decision driven by the wall clock (which callgrind slows
      // 50-fold): repeat runs of one build then agree to about 0.1%, where `--single-threaded`
      // alone moved the M/M/1 by up to 20% as time-triggered garbage collections came and went.
      "--predictable",
      runner,
      "count",
      workload,
      String(WARM),
      String(n),
    ],
    { encoding: "utf8", maxBuffer: 2 ** 26 },
  );
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`callgrind failed for ${workload}:\n${r.stderr}`);
  return Number(m[1]);
}

const workloads = process.argv.length > 2 ? process.argv.slice(2) : ["bare", "mm1-inline", "mm1"];
const per = {};
for (const w of workloads) {
  per[w] = (instructions(w, N) - instructions(w, N / 5)) / (N - N / 5);
  console.log(`${w}: ${per[w].toFixed(0)} instructions per event`);
}
if (per.bare)
  for (const w of workloads)
    if (w !== "bare") console.log(`  ${w} / bare loop (speed ratio): ${(per.bare / per[w]).toFixed(2)}`);
