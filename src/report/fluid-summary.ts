import type { FluidAnalysis } from "../fluid/analyse.js";
import type { Equilibrium } from "../fluid/equilibria.js";
import { formatNumber } from "./csv.js";

const num = (x: number) => formatNumber(x, 3);

/**
 * The equilibria as table rows: state, (hit rate,) queue, orbit, goodput, throughput, attempts/s,
 * P(timeout), eigenvalues. The hit rate column is there when any equilibrium has one (a cache).
 */
export function equilibriumRows(equilibria: readonly Equilibrium[]): string[][] {
  const cached = equilibria.some((e) => e.hitRate !== undefined);
  return equilibria.map((e) => [
    e.kind,
    ...(cached ? [`${num(100 * (e.hitRate ?? 0))}%`] : []),
    e.queue === null ? `grows ${num(e.queueGrowth ?? 0)}/s` : num(e.queue),
    e.orbit === null ? "–" : num(e.orbit),
    num(e.goodput),
    num(e.throughput),
    num(e.attempts),
    num(e.timeoutProbability),
    e.eigenvalues === null
      ? "–"
      : e.eigenvalues
          .map((v) => (v.im === 0 ? num(v.re) : `${num(v.re)}±${num(Math.abs(v.im))}i`))
          .join(", "),
  ]);
}

/** Header of equilibriumRows (with a cache, "hit rate" follows "state"). */
export function equilibriumHeader(equilibria: readonly Equilibrium[]): string[] {
  const cached = equilibria.some((e) => e.hitRate !== undefined);
  return cached ? [EQUILIBRIUM_HEADER[0]!, "hit rate", ...EQUILIBRIUM_HEADER.slice(1)] : EQUILIBRIUM_HEADER;
}

/** Header of equilibriumRows without a cache. */
export const EQUILIBRIUM_HEADER = [
  "state",
  "queue",
  "orbit",
  "goodput",
  "throughput",
  "attempts/s",
  "P(timeout)",
  "eigenvalues",
];

/** One sentence on the band. */
export function bandSentence(a: FluidAnalysis): string {
  const { low, high } = a.bistable;
  if (low === null || high === null) return "no stuck state at any load: the model is not metastable";
  if (high <= low)
    return `no bistable band: one state at every load (no trigger can leave a second one behind); above ${num(low)} req/s the queue grows without bound`;
  return `bistable between ${num(low)} and ${num(high)} req/s: below ${num(low)} only the healthy state exists, above ${num(high)} only the stuck one`;
}

/**
 * A chain of callers in words: `client "client" -> api (2 s, 3 attempts) -> ... -> server "db"`,
 * and how attempts multiply when every attempt fails.
 */
export function chainSentence(a: FluidAnalysis): { path: string; multiply: string } | null {
  const chain = a.model.chain;
  if (!chain) return null;
  const hops = chain
    .map(
      (h) => `${h.target} (${num(h.timeout)} s, ${h.maxAttempts} attempts${h.retryBudget ? ", budget" : ""})`,
    )
    .join(" -> ");
  const product = chain.reduce((p, h) => p * h.attemptsWhenFailing, 1);
  const budgeted = chain.some((h) => h.retryBudget);
  return {
    path: `client "${a.model.client}" -> ${hops}`,
    multiply: `with every attempt failing a request makes ${chain.map((h) => h.attemptsWhenFailing).join(" x ")} = ${product} attempts at "${a.model.server}"${budgeted ? " before the budgets cap them" : ""}`,
  };
}

/** What `metastable fluid` prints without --json. */
export function fluidSummary(a: FluidAnalysis): string {
  const m = a.model;
  const c = a.cache;
  const chain = chainSentence(a);
  const lines = [
    chain
      ? `${a.scenario}: fluid model of ${chain.path}, queueing at "${m.server}" (${m.queue}, capacity ${num(m.capacity)} req/s)\n  ${chain.multiply}`
      : c
        ? `${a.scenario}: fluid model of client "${m.client}" -> cache "${c.name}" (${c.capacity} of ${c.keys} keys, ${c.popularity}, ${num(100 * c.fullHitRate)}% hit rate when full) -> database "${m.server}" (${m.queue}, capacity ${num(m.capacity)} req/s)`
        : `${a.scenario}: fluid model of client "${m.client}" -> server "${m.server}" (${m.queue}, capacity ${num(m.capacity)} req/s)`,
    `  timeout probability: ${m.approximation}`,
    ...m.approximations.map((x) => `  assumed: ${x}`),
    ...m.notModelled.map((x) => `  not modelled: ${x}`),
    "",
    bandSentence(a),
    "",
    `equilibria at ${num(a.load)} req/s:`,
  ];
  const header = equilibriumHeader(a.equilibria);
  const rows = [header, ...equilibriumRows(a.equilibria)];
  const widths = header.map((_, i) => rows.reduce((m, r) => Math.max(m, r[i]!.length), 0));
  for (const r of rows)
    lines.push(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
  lines.push("", `tipping disturbance: ${a.tippingDisturbance.note}`, `recovery: ${a.recovery.note}`);
  return `${lines.join("\n")}\n`;
}
