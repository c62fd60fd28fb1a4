import { type Command, Option } from "commander";
import { threadCount } from "./thread-count.js";
import { queueOption, redisOption } from "./worker-command.js";

/** `--workers N`, shared by every command that runs batches of trials. */
function workersOption(): Option {
  return new Option(
    "--workers <n>",
    "threads to run trials on, this one included; 1 runs in-process (default: all cores)",
  ).argParser(threadCount("--workers"));
}

/** `--quiet`, shared by every command that shows progress. */
function quietOption(): Option {
  return new Option("--quiet", "no progress on stderr");
}

/**
 * Adds the flags of a command that runs a batch of trials (map, compare, threshold, check): where
 * they run (`--workers`, or `--redis` and `--queue`) and `--quiet`. Returns the command.
 */
export function addBatchOptions(command: Command): Command {
  return command
    .addOption(workersOption())
    .addOption(quietOption())
    .addOption(redisOption())
    .addOption(queueOption());
}
