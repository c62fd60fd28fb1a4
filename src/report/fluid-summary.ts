import type { FluidAnalysis } from "../fluid/analyse.js";
import type { Equilibrium } from "../fluid/equilibria.js";
import { formatNumber } from "./csv.js";

const num = (x: number) => formatNumber(x, 3);

/** The equilibria as table rows: state, queue, orbit, goodput, throughput, attempts/s, P(timeout), eigenvalues. */
export function equilibriumRows(equilibria: readonly Equilibrium[]): string[][] {
  return equilibria.map((e) => [
    e.kind,
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

/** Header of equilibriumRows. */
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

/** What `metastable fluid` prints without --json. */
export function fluidSummary(a: FluidAnalysis): string {
  const m = a.model;
  const lines = [
    `${a.scenario}: fluid model of client "${m.client}" -> server "${m.server}" (${m.queue}, capacity ${num(m.capacity)} req/s)`,
    `  timeout probability: ${m.approximation}`,
    ...m.approximations.map((x) => `  assumed: ${x}`),
    ...m.notModelled.map((x) => `  not modelled: ${x}`),
    "",
    bandSentence(a),
    "",
    `equilibria at ${num(a.load)} req/s:`,
  ];
  const rows = [EQUILIBRIUM_HEADER, ...equilibriumRows(a.equilibria)];
  const widths = EQUILIBRIUM_HEADER.map((_, i) => rows.reduce((m, r) => Math.max(m, r[i]!.length), 0));
  for (const r of rows)
    lines.push(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
  lines.push("", `tipping disturbance: ${a.tippingDisturbance.note}`, `recovery: ${a.recovery.note}`);
  return `${lines.join("\n")}\n`;
}
