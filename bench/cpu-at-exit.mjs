// Preloaded with --import by bench/run.js: prints this process's CPU time (user + system, all
// threads, in seconds) on stderr as it exits, so a whole command's start-up cost can be compared.
import { writeSync } from "node:fs";

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\ncpu-seconds ${(user + system) / 1e6}\n`);
});
