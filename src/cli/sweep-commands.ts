import { type Command, InvalidArgumentError, Option } from "commander";
import { addBatchOptions } from "./batch-options.js";
import { integerFlag } from "./integer-flag.js";

function whole(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n > 10)
      throw new InvalidArgumentError(`${name} must be an integer from 0 to 10, got "${value}"`);
    return n;
  };
}

/** `--set PATH=VALUE`, repeatable: a what-if on the scenario's numbers (the same paths as map axes, or load). */
export function setOption(): Option {
  return new Option(
    "--set <param=value>",
    "set a number in the scenario before running (repeatable): a path such as clients.api.timeout, or load (multiplies every source's load)",
  ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
}

/** Adds `map` and `merge` to the program. */
export function addSweepCommands(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  const map = program
    .command("map")
    .description(
      "Sweep two scenario parameters over a grid and map the probability of getting stuck and the goodput.",
    )
    .argument("<scenario>", "scenario file")
    .requiredOption("--x <param=from:to:steps>", "first parameter: a path into the scenario or load (x axis)")
    .requiredOption("--y <param=from:to:steps>", "second parameter (y axis)")
    .addOption(
      new Option("--replications <n>", "replications per cell (default 5)").argParser(
        integerFlag("--replications", 1),
      ),
    )
    .addOption(
      new Option(
        "--refine <rounds>",
        "rounds that give cells near the stuck/not-stuck boundary --replications more each (default 0)",
      ).argParser(whole("--refine")),
    )
    .option(
      "--out <dir>",
      "write map.json, two heatmap SVGs and report.html; keeps a checkpoint to resume from",
    )
    .option("--json", "print the map as JSON")
    .option("--shard <i/n>", "run only cells with index % n = i - 1 (1-based) and write a partial file")
    .option("--partial <file>", "where a sharded run writes its partial (default: DIR/partial-i-of-n.jsonl)");
  addBatchOptions(map.addOption(setOption()))
    .addHelpText(
      "after",
      `
Parameters are paths into the scenario: sources.users.profile.rate, clients.api.timeout,
triggers.0.duration, sources.users.profile.steps.1.rate; "load" multiplies every source's load.
Examples:
  metastable map scenarios/retry-storm.yaml --x load=0.3:1.2:4 --y clients.client.timeout=0.3:1.5:3
  metastable map scenarios/retry-storm.yaml --x load=0.3:1.2:10 --y clients.client.maxAttempts=1:5:5 --out out/map
  metastable map scenarios/retry-storm.yaml --set clients.client.maxAttempts=1 --x load=0.3:1.2:4 --y clients.client.timeout=0.3:1.5:3
  metastable map s.yaml --x ... --y ... --shard 1/2 --partial p1.jsonl   (then: metastable merge p1.jsonl p2.jsonl)
`,
    )
    .action(async (scenario: string, flags) =>
      (await import("./map-command.js")).mapCommand(scenario, flags, out, err),
    );
  program
    .command("merge")
    .description("Combine the partial files of a sharded map into the map an unsharded run gives.")
    .argument("<partial...>", "partial files written by map --shard (or map checkpoints)")
    .option("--out <dir>", "write map.json, the heatmap SVGs and report.html")
    .option("--json", "print the map as JSON")
    .option("--scenario <file>", "the scenario the map ran (with its --set), to draw the fluid band")
    .addOption(setOption())
    .action(async (partials: string[], flags) =>
      (await import("./map-command.js")).mergeCommand(partials, flags, out),
    );
}
