import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { SweepError } from "../analysis/param-path.js";
import { ModelLimitError } from "../engine/limit-error.js";
import { printable } from "../scenario/printable.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import { addBatchOptions } from "./batch-options.js";
import { integerFlag } from "./integer-flag.js";
import { InterruptedError } from "./interrupted-error.js";
import { addSweepCommands, setOption } from "./sweep-commands.js";
import { UsageError } from "./usage-error.js";
import { addWorkerCommand } from "./worker-command.js";

// Each command's module is imported when that command runs, so `--help` loads only commander, and
// `run` neither the chart library (only `--out` needs it) nor the web server.

/**
 * Exit codes: success, internal failure (or, for `check`, a check that does not hold), bad input
 * (file, flags, or a run that hit its budget), stopped by Ctrl-C or SIGTERM.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  checkFailed: 1,
  badInput: 2,
  interrupted: 130,
  terminated: 143,
} as const;

function positive(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a number > 0, got "${value}"`);
    return n;
  };
}

/** Builds the `metastable` command tree; output goes through the given writers (tests capture them). */
export function buildProgram(out: (s: string) => void, err: (s: string) => void): Command {
  const program = new Command("metastable")
    .description(
      "Simulate distributed systems under triggers and find out whether they get stuck (metastable failures).",
    )
    .version("0.1.0")
    .showHelpAfterError("(add --help for usage)")
    // Flags are echoed in Commander's errors: escape control and direction characters in them.
    .configureOutput({ writeOut: out, writeErr: (s) => err(printable(s)) })
    .exitOverride();
  program
    .command("run")
    .description("Run a scenario file (YAML or JSON) and print a summary, JSON, or write a report folder.")
    .argument("<scenario>", "path to the scenario file, e.g. scenarios/retry-storm.yaml")
    .addOption(
      new Option("--seed <n>", "root seed (replaces the scenario's)").argParser(integerFlag("--seed", 0)),
    )
    .option("--out <dir>", "write the report folder here (files listed below)")
    .option("--json", "print the result as one JSON document instead of the text summary")
    .option(
      "--health <rule>",
      "the health rule the verdict uses, over the scenario's health: field, e.g. goodput=0.8,p99=0.5,errors=0.05",
    )
    .addOption(setOption())
    .addOption(
      new Option("--max-events <n>", "event budget (stop a runaway model)").argParser(
        integerFlag("--max-events", 1),
      ),
    )
    .addOption(
      new Option("--max-wall-seconds <s>", "wall-clock budget in seconds").argParser(
        positive("--max-wall-seconds"),
      ),
    )
    .addHelpText(
      "after",
      `
Files written by --out DIR:
  result.json          the result with its verdict and characteristic metrics (as --json prints)
  gauges.csv           every gauge at every probe time (queue depths, component gauges)
  rates.csv            per-window rates: offered, attempts, throughput, goodput, timeouts, retries, latency
  load-profile.svg, queue-depth.svg, latency.svg, goodput.svg, timeouts.svg, retries.svg,
  latency-histogram.svg, attempts.svg
                       the eight charts of the run
  metric-NAME.svg      one chart per characteristic metric with its pre-trigger envelope
  report.html          one self-contained page: explanation, verdict, tables and every chart

Examples:
  metastable run scenarios/retry-storm.yaml
  metastable run scenarios/retry-storm.yaml --seed 7 --json
  metastable run scenarios/retry-storm.yaml --set clients.client.maxAttempts=2 --set load=0.8
  metastable run scenarios/retry-storm.yaml --out out/retry-storm
`,
    )
    .action(async (scenario: string, flags) =>
      (await import("./run-command.js")).runCommand(scenario, flags, out),
    );
  program
    .command("catalog")
    .description("List the scenario catalog with what each scenario shows.")
    .argument("[dir]", "folder of scenario files", "scenarios")
    .option("--markdown", "print the catalog as Markdown (docs/catalog.md)")
    .action(async (dir: string, flags) =>
      (await import("./catalog-command.js")).catalogCommand(dir, flags, out),
    );
  const replications = (fallback: number) =>
    new Option("--replications <n>", `replications (default ${fallback})`).argParser(
      integerFlag("--replications", 1),
    );
  const compare = program
    .command("compare")
    .description("Run a scenario and its variants with the same seeds and report paired differences.")
    .argument("<scenario>", "the baseline scenario")
    .argument("[variant...]", "variant scenarios (e.g. the mitigated version)")
    .addOption(replications(10))
    .option("--json", "print the comparison as JSON")
    .addOption(setOption())
    .addOption(
      new Option(
        "--variant <param=value,...>",
        "a variant that is the baseline scenario with these settings (repeatable)",
      ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
    )
    .option("--out <dir>", "write compare.json, compare.svg and a self-contained report.html here");
  addBatchOptions(compare)
    .addHelpText(
      "after",
      `
Examples:
  metastable compare scenarios/retry-storm.yaml scenarios/retry-storm-retry-budget.yaml
  metastable compare scenarios/retry-storm.yaml --variant clients.client.maxAttempts=2 --out out/attempts
  metastable compare scenarios/retry-storm.yaml --set load=0.8 --variant clients.client.timeout=1,clients.client.maxAttempts=3
`,
    )
    .action(async (scenario: string, variants: string[], flags) =>
      (await import("./analysis-commands.js")).compareCommand([scenario, ...variants], flags, out, err),
    );
  const threshold = program
    .command("threshold")
    .description(
      "Find the load above which the trigger leaves the system stuck, and the load it must drop to to recover.",
    )
    .argument("<scenario>", "scenario file")
    .addOption(replications(5))
    .addOption(
      new Option("--low <factor>", "lowest load factor searched (default 0.1)").argParser(positive("--low")),
    )
    .addOption(
      new Option("--high <factor>", "highest load factor searched (default 2)").argParser(positive("--high")),
    )
    .addOption(
      new Option("--tolerance <factor>", "bisection stops at this bracket width (default 0.02)").argParser(
        positive("--tolerance"),
      ),
    )
    .addOption(
      new Option(
        "--recover-within <seconds>",
        "a stuck system counts as recovered if healthy within this long of the load dropping (default 300)",
      ).argParser(positive("--recover-within")),
    )
    .option("--json", "print the result as JSON")
    .addOption(setOption())
    .option("--out <dir>", "write threshold.json, threshold.svg and a self-contained report.html here");
  addBatchOptions(threshold).action(async (scenario: string, flags) =>
    (await import("./analysis-commands.js")).thresholdCommand(scenario, flags, out, err),
  );
  addSweepCommands(program, out, err);
  program
    .command("stability")
    .description(
      "Check the steady state is healthy, find the smallest disturbance (load burst, pause, outage, crash, flush) that leaves it stuck, and report loop by loop whether a small one decays.",
    )
    .argument("<scenario>", "scenario file")
    .addOption(
      new Option("--load <rate>", "steady load in req/s (default: the scenario's base load)").argParser(
        positive("--load"),
      ),
    )
    .addOption(
      new Option(
        "--burst <requests>",
        "extra requests in the burst (default: half a client timeout of capacity, at most 1 s of load)",
      ).argParser(positive("--burst")),
    )
    .addOption(
      new Option("--at <seconds>", "when the disturbance starts (default 20)").argParser(positive("--at")),
    )
    .option("--disturb <kind>", "load (default), pause, unreachable, crash or flush")
    .option("--target <component>", "the component a pause, unreachable, crash or flush hits")
    .option(
      "--sizes <list>",
      "sizes to try, comma-separated: requests for load, seconds for pause/unreachable",
    )
    .addOption(replications(3))
    .option("--json", "print the result as JSON")
    .addOption(setOption())
    .option("--out <dir>", "write stability.json and a self-contained report.html here")
    .action(async (scenario: string, flags) =>
      (await import("./analysis-commands.js")).stabilityCommand(scenario, flags, out),
    );
  program
    .command("fluid")
    .description(
      "Solve the scenario's fluid (mean-field) model: equilibria, bistable band, tipping disturbance, recovery.",
    )
    .argument(
      "<scenario>",
      "scenario file (sources -> one client -> one server, or -> one cache -> one database)",
    )
    .option("--json", "print the analysis as JSON")
    .option(
      "--out <dir>",
      "write fluid.json, the bifurcation diagram, phase portrait and trajectory (SVG) and report.html here",
    )
    .addOption(
      new Option("--load <rate>", "base load in req/s to analyse at (default: the scenario's)").argParser(
        positive("--load"),
      ),
    )
    .addOption(
      new Option(
        "--spike <rate>",
        "spike rate in req/s the tipping time is measured with (default: the scenario's peak, else twice the load)",
      ).argParser(positive("--spike")),
    )
    .addOption(
      new Option(
        "--drain-load <rate>",
        "load in req/s the drain from the stuck state is timed at (default: half the recovery load)",
      ).argParser(positive("--drain-load")),
    )
    .addOption(setOption())
    .addHelpText(
      "after",
      "\nExamples:\n  metastable fluid scenarios/gc-pause.yaml\n  metastable fluid scenarios/retry-storm.yaml --load 5 --json\n  metastable fluid scenarios/retry-storm.yaml --set clients.client.maxAttempts=4\n  metastable fluid scenarios/gc-pause.yaml --out out/gc-pause-fluid\n",
    )
    .action(async (scenario: string, flags) =>
      (await import("./fluid-command.js")).fluidCommand(scenario, flags, out),
    );
  const check = program
    .command("check")
    .description(
      "Run the checks of a checks file (scenarios and what must hold) and exit 0 when all hold, 1 when one fails, 2 on bad input.",
    )
    .argument("<checks>", "checks file (YAML), e.g. metastable-checks.yaml")
    .option("--junit <file>", "write JUnit XML (one test case per check) for CI to show")
    .option("--markdown <file>", "write a Markdown summary with evidence and replay commands")
    .option("--cache <file>", "keep finished trials here by job identity and reuse them next time")
    .option(
      "--out <dir>",
      "write a self-contained report.html (explanations, evidence, replays), checks.json, junit.xml and checks.md here",
    );
  addBatchOptions(check)
    .addHelpText(
      "after",
      `
A checks file names scenarios, --set-style overrides and one expectation per check:
  checks:
    - name: retries stay bounded
      scenario: scenarios/retry-storm-retry-budget.yaml
      set: { clients.client.timeout: 0.5 }
      recovers: { within: 60, atLeast: 9, of: 10 }
Expectations: recovers { within, atLeast, of }, tippingLoad { atLeast, of },
goodput { atLeast, of }, latency { p99, atLeast, of }, fluid { atLeast } (the fluid
model's bistable band lies above atLeast x the operating load). See docs/ci.md.
`,
    )
    .action(async (checks: string, flags) =>
      (await import("./check-command.js")).checkCommand(checks, flags, out, err),
    );
  program
    .command("serve")
    .description("Serve the web dashboard (catalog, editor, live runs) on 127.0.0.1 until interrupted.")
    .addOption(
      new Option("--port <n>", "port (0 picks a free one)").default(8137).argParser(integerFlag("--port", 0)),
    )
    .option("--host <host>", "address to bind; anything but loopback exposes the server", "127.0.0.1")
    .option("--scenarios <dir>", "folder of the catalog", "scenarios")
    .action(async (flags) => (await import("./serve-command.js")).serveCommand(flags, out));
  addWorkerCommand(program, out);
  return program;
}

/** Whether `e` is a run that hit its budget; the run module is loaded by then if it threw one. */
async function isBudgetError(e: unknown): Promise<boolean> {
  if (!(e instanceof Error) || e.name !== "BudgetExceededError") return false;
  const { BudgetExceededError } = await import("../scenario/run.js");
  return e instanceof BudgetExceededError;
}

/** Runs the CLI and resolves to its exit code; never rejects. */
export async function main(
  argv: string[],
  out = (s: string) => void process.stdout.write(s),
  err = (s: string) => void process.stderr.write(s),
): Promise<number> {
  const program = buildProgram(out, err);
  // Messages quote names, paths and flags from the user: never echo control characters raw.
  const fail = (s: string) => err(printable(s));
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.badInput;
    }
    // By name: the fluid model loads only when its command runs.
    if (e instanceof ScenarioError && e.name === "FluidRefusal") {
      err(`error: the fluid model does not cover this scenario:\n${e.message}\n`);
      return EXIT.badInput;
    }
    if (e instanceof ScenarioError) {
      fail(`error: the scenario cannot be run:\n${e.message}\n`);
      return EXIT.badInput;
    }
    // By name: the check command loads only when it runs.
    if (e instanceof Error && e.name === "CheckFailedError") return EXIT.checkFailed;
    if (e instanceof InterruptedError) {
      fail(`${e.message}\n`);
      return e.signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
    }
    if (
      e instanceof ModelLimitError ||
      e instanceof UsageError ||
      e instanceof SweepError ||
      (await isBudgetError(e))
    ) {
      fail(`error: ${(e as Error).message}\n`);
      return EXIT.badInput;
    }
    fail(
      `internal error: ${(e as Error)?.message ?? String(e)}\n(set METASTABLE_DEBUG=1 for the stack trace)\n`,
    );
    if (process.env.METASTABLE_DEBUG) err(`${(e as Error)?.stack}\n`);
    return EXIT.internal;
  }
}
