import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import { analyseRun, controlSpec } from "./analyse-run.js";
import type { Verdict } from "./verdict.js";

/** One catalog scenario judged on a set of seeds, with and without its triggers. */
export interface AuditRow {
  scenario: string;
  seeds: number[];
  /** Verdict per seed, with the triggers. */
  verdicts: Verdict["kind"][];
  /** Verdict per seed of the same run with every trigger removed (the control). */
  withoutTriggers: Verdict["kind"][];
  /** Seconds from the end of the triggers to recovery, per seed that recovered. */
  timeToRecover: number[];
  /** Characteristic metrics still showing a running loop at the end, over all seeds (by label). */
  loops: string[];
}

/** Runs `parsed` on each seed, judges it, and judges its control run too. */
export function auditScenario(parsed: ParsedScenario, seeds: readonly number[]): AuditRow {
  const verdicts: Verdict["kind"][] = [];
  const withoutTriggers: Verdict["kind"][] = [];
  const timeToRecover: number[] = [];
  const loops = new Set<string>();
  const control = { ...parsed, spec: controlSpec(parsed.spec) };
  for (const seed of seeds) {
    const judged = analyseRun(parsed, runScenario(parsed, { seed }));
    verdicts.push(judged.verdict.kind);
    if (judged.verdict.timeToRecover !== null) timeToRecover.push(judged.verdict.timeToRecover);
    for (const name of judged.verdict.loopsRunning)
      loops.add(judged.metrics.find((m) => m.name === name)?.label ?? name);
    withoutTriggers.push(analyseRun(control, runScenario(control, { seed })).verdict.kind);
  }
  return {
    scenario: parsed.spec.name,
    seeds: [...seeds],
    verdicts,
    withoutTriggers,
    timeToRecover,
    loops: [...loops].sort(),
  };
}

/** "metastable" when every seed agrees, else the counts ("7 metastable, 3 recovered"). */
export function verdictCell(kinds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (counts.size === 1) return kinds[0]!;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}
