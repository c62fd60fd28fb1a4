import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import type { Check, Expectation } from "../analysis/checks.js";
import { type Override, parseOverride, withOverrides } from "../analysis/overrides.js";
import { SweepError } from "../analysis/param-path.js";
import { readScenarioText } from "../files/scenario-file.js";
import { deriveFluidModel, type FluidModel } from "../fluid/fluid-model.js";
import { schemaIssues } from "../scenario/parse.js";
import { ScenarioError, type ScenarioIssue } from "../scenario/scenario-error.js";
import { readYamlText } from "../scenario/yaml-text.js";
import { type LoadedScenario, loadScenario } from "./load-scenario.js";

// A checks file: the scenarios a change must not make metastable, and what must hold for each.
// Validated like a scenario file: every problem named with file:line:column and the field.

/** Largest checks file accepted, in characters. */
const MAX_CHECKS_CHARS = 1024 * 1024;

const count = z.number().int().min(1).max(1000);
const seeds = count.describe("Seeds run: the scenario's seed and the ones after it. Default: replications.");

// The descriptions are what an editor shows from schema/checks.schema.json.
// What a check may expect, each by its key; a check names exactly one.
const EXPECTATIONS = {
  recovers: z
    .object({
      within: z
        .number()
        .positive()
        .optional()
        .describe("Seconds after the last trigger ends by which it must be healthy again."),
      atLeast: count.optional().describe("Seeds that must recover. Default: all of them."),
      of: seeds.optional(),
    })
    .strict()
    .optional()
    .describe("Not stuck (stable or recovered) on at least atLeast of `of` seeds."),
  tippingLoad: z
    .object({
      atLeast: z.number().positive().describe("Factor on the scenario's base load."),
      of: seeds.optional(),
    })
    .strict()
    .optional()
    .describe("At atLeast x the base load, fewer than half the seeds end stuck."),
  goodput: z
    .object({
      atLeast: z.number().min(0).max(1).describe("Mean goodput / offered load after the triggers, 0 to 1."),
      of: seeds.optional(),
    })
    .strict()
    .optional()
    .describe("Mean goodput after the triggers, as a share of the offered load."),
  latency: z
    .object({
      p99: z.number().positive().describe("Seconds the p99 latency of completed requests must stay within."),
      atLeast: count.optional().describe("Seeds that must meet it. Default: all of them."),
      of: seeds.optional(),
    })
    .strict()
    .optional()
    .describe("p99 latency within p99 seconds on at least atLeast of `of` seeds."),
  // A factor of at least 1: the band must start above the operating load itself.
  fluid: z
    .object({
      atLeast: z
        .number()
        .min(1)
        .optional()
        .describe("Factor on the operating load the band must lie above, at least 1. Default: 1."),
    })
    .strict()
    .optional()
    .describe(
      "The fluid model's bistable band lies above atLeast x the operating load: only the healthy state there.",
    ),
};

const checkSchema = z
  .object({
    name: z.string().min(1).describe("What the check guards, shown in every report. Unique in the file."),
    scenario: z.string().min(1).describe("The scenario file, relative to this checks file."),
    set: z
      .record(z.string(), z.union([z.number(), z.boolean()]))
      .optional()
      .describe(
        "--set-style overrides: a parameter path as for map axes (clients.api.timeout) or load (a factor on every source's load), and a number or true/false.",
      ),
    ...EXPECTATIONS,
  })
  .strict();

/** The checks file format (docs/ci.md). */
export const checksFileSchema = z
  .object({
    $schema: z.string().optional().describe("The JSON Schema of this file, for editors."),
    replications: count.optional().describe("Seeds per check unless the check says `of`. Default: 10."),
    checks: z.array(checkSchema).min(1).describe("Each check: a scenario, overrides and one expectation."),
  })
  .strict();

/** The expectations a check may name; it names exactly one. */
export const KINDS = Object.keys(EXPECTATIONS) as (keyof typeof EXPECTATIONS)[];

/** A check as loaded: the check and the scenario it runs (overrides applied). */
export interface LoadedCheck {
  check: Check;
  scenario: LoadedScenario;
  /** A fluid check's fluid model, derived while loading so a scenario it does not cover is bad input. */
  fluid?: FluidModel;
}

/** Reads and validates a checks file, loading every scenario it names; throws ScenarioError with every problem. */
export function loadChecksFile(file: string): LoadedCheck[] {
  // Read as a scenario file is: a missing or unreadable file is bad input at the file.
  const { data, issueAt } = readYamlText(readScenarioText(file), file, {
    maxChars: MAX_CHECKS_CHARS,
    what: "checks file",
  });
  const parsed = checksFileSchema.safeParse(data ?? {}, { reportInput: true });
  if (!parsed.success) throw new ScenarioError(schemaIssues(parsed.error, issueAt));
  const n = parsed.data.replications ?? 10;
  const issues: ScenarioIssue[] = [];
  const names = new Set<string>();
  const loaded: LoadedCheck[] = [];
  for (const [i, c] of parsed.data.checks.entries()) {
    const at = (...rest: (string | number)[]) => ["checks", i, ...rest];
    if (names.has(c.name))
      issues.push(issueAt(at("name"), `another check is named "${c.name}"; names must be unique`));
    names.add(c.name);
    const kinds = KINDS.filter((k) => c[k] !== undefined);
    if (kinds.length !== 1) {
      issues.push(
        issueAt(
          at(),
          kinds.length === 0
            ? `say what must hold: one of ${KINDS.join(", ")}`
            : `one expectation per check, got ${kinds.join(" and ")}; write one check for each`,
        ),
      );
      continue;
    }
    const expect = expectation(c, n);
    if ((expect.kind === "recovers" || expect.kind === "latency") && expect.atLeast > expect.of) {
      issues.push(
        issueAt(
          at(kinds[0]!, "atLeast"),
          `atLeast (${expect.atLeast}) is more than the seeds run (of: ${expect.of})`,
        ),
      );
      continue;
    }
    const scenarioFile = isAbsolute(c.scenario) ? c.scenario : join(dirname(file), c.scenario);
    if (!existsSync(scenarioFile)) {
      issues.push(issueAt(at("scenario"), `no such scenario file: ${scenarioFile}`));
      continue;
    }
    const overrides: Override[] = [];
    for (const [param, value] of Object.entries(c.set ?? {})) {
      try {
        overrides.push(parseOverride(`${param}=${value}`, "set"));
      } catch (e) {
        if (!(e instanceof SweepError)) throw e;
        issues.push(issueAt(at("set", param), e.message));
      }
    }
    let scenario: LoadedScenario;
    try {
      scenario = loadScenario(scenarioFile);
      scenario = { ...scenario, parsed: withOverrides(scenario.parsed, overrides) };
    } catch (e) {
      if (e instanceof ScenarioError) {
        for (const issue of e.issues) issues.push(issue);
        continue;
      }
      if (e instanceof SweepError) {
        issues.push(issueAt(at("set"), e.message));
        continue;
      }
      throw e;
    }
    let fluid: FluidModel | undefined;
    if (expect.kind === "fluid") {
      try {
        fluid = deriveFluidModel(scenario.parsed);
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        // Both places: the check that asks for the fluid model, and the scenario part it refuses.
        issues.push(
          issueAt(
            at("fluid"),
            `the fluid model does not cover ${c.scenario}; judge it with recovers, tippingLoad, goodput or latency instead`,
          ),
        );
        for (const issue of e.issues) issues.push(issue);
        continue;
      }
    }
    loaded.push({
      check: { name: c.name, scenarioFile, overrides, expect },
      scenario,
      ...(fluid && { fluid }),
    });
  }
  if (issues.length > 0) throw new ScenarioError(issues);
  return loaded;
}

function expectation(c: z.infer<typeof checkSchema>, n: number): Expectation {
  if (c.recovers) {
    const of = c.recovers.of ?? n;
    return {
      kind: "recovers",
      of,
      atLeast: c.recovers.atLeast ?? of,
      ...(c.recovers.within !== undefined && { within: c.recovers.within }),
    };
  }
  if (c.tippingLoad)
    return { kind: "tippingLoad", atLeast: c.tippingLoad.atLeast, of: c.tippingLoad.of ?? n };
  if (c.goodput) return { kind: "goodput", atLeast: c.goodput.atLeast, of: c.goodput.of ?? n };
  if (c.fluid) return { kind: "fluid", atLeast: c.fluid.atLeast ?? 1 };
  const l = c.latency!;
  const of = l.of ?? n;
  return { kind: "latency", p99: l.p99, of, atLeast: l.atLeast ?? of };
}
