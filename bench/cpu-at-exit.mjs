// Preloaded with --import by bench/run.js: prints this process's CPU time (user + system, all
// threads, in seconds) on stderr as it exits, so a whole command's start-up cost can be compared,
// and the main thread's own share (Linux only), so V8's helper threads (the optimising compiler,
// the parallel and concurrent garbage collector) show as the difference.
import { readFileSync, writeSync } from "node:fs";

function mainThreadSeconds() {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (1/100 s).
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\ncpu-seconds ${(user + system) / 1e6}\nmain-thread-seconds ${mainThreadSeconds()}\n`);
});
