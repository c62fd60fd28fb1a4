import type { AnalysedResult } from "../analysis/analyse-run.js";
import type { PhaseStats, RunResult } from "../scenario/run-result.js";

const RULE = "=".repeat(78);

/** The plain-text summary `metastable run` prints: configuration, request flow, key metrics, phases. */
export function formatSummary(r: RunResult | AnalysedResult): string {
  const t = r.totals;
  const lines: string[] = [RULE, `METASTABLE RUN: ${r.scenario}`, RULE];
  if (r.description) {
    for (const l of wrap(r.description, 78)) lines.push(l);
    lines.push("");
  }
  lines.push(
    `Seed ${r.seed} · ${fmt(r.simulatedSeconds)} s simulated · ${int(r.events)} events · ${r.wallSeconds.toFixed(2)} s wall`,
    "",
    "Configuration:",
  );
  for (const c of r.components) {
    const settings = Object.entries(c.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    lines.push(`  ${c.type.padEnd(7)} ${c.name.padEnd(14)} ${settings}`);
  }
  lines.push(
    `  Capacity of what the clients call: ${fmt(r.capacityPerSec)} req/s at the start`,
    "",
    "Request flow:",
  );
  const flow: [string, number][] = [
    ["External requests generated", t.requests],
    ["Attempts sent by the clients", t.attempts],
    ["Work finished, all tiers (throughput)", t.served],
    ["Successful completions (goodput)", t.completions],
    ["Timeouts", t.timeouts],
    ["Retries", t.retries],
    ["Error answers", t.errors],
    ["Gave up (attempts exhausted)", t.gaveUp],
    ["Wasted work (served, unwanted)", t.wasted],
    ["Attempts abandoned (answered late)", t.abandoned],
    ["Still in flight at the end", t.inFlight],
  ];
  for (const [label, value] of flow) lines.push(`  ${label.padEnd(38)} ${int(value).padStart(10)}`);
  if (r.workers.length > 0) lines.push("", "Work by component (every tier that does work):", workerTable(r));
  // Only where calls cross more than one hop: one client's row repeats the request flow above.
  if (r.callers.length > 1)
    lines.push(
      "",
      "Calls by component (attempts per request: the amplification each hop adds):",
      callerTable(r),
    );
  lines.push(
    "",
    "Key metrics:",
    `  ${"Retry amplification".padEnd(34)} ${`${r.retryAmplification.toFixed(2)}x`.padStart(10)}`,
    `  ${"Overall timeout rate".padEnd(34)} ${`${(r.timeoutRate * 100).toFixed(1)}%`.padStart(10)}`,
    `  ${"Latency p50 / p99 (completed)".padEnd(34)} ${`${ms(r.latency.p50)} / ${ms(r.latency.p99)} ms`.padStart(10)}`,
    `  ${"Requests that never completed".padEnd(34)} ${`${pct(t.gaveUp, t.requests)}`.padStart(10)}  (not in the latency quantiles)`,
    `  ${"Queue depth at the end".padEnd(34)} ${int(r.finalQueueDepth).padStart(10)}`,
    "",
    "By load-profile phase (rates per second; queue = calls waiting):",
    phaseTable([...r.phases, ...(r.drain ? [r.drain] : [])]),
  );
  if ("verdict" in r) {
    lines.push("");
    for (const l of verdictLines(r)) lines.push(l);
  }
  lines.push(RULE);
  return `${lines.join("\n")}\n`;
}

function verdictLines(r: AnalysedResult): string[] {
  const v = r.verdict;
  const out = [`Verdict: ${v.kind.toUpperCase()}`, ...wrap(v.summary, 76).map((l) => `  ${l}`)];
  if (v.degradedAtEnd) {
    const drain =
      v.drainEstimate === null
        ? "it would not drain at the final rates"
        : `about ${Math.ceil(v.drainEstimate)} s to drain at the final rates`;
    out.push(`  The run ended still degraded: ${drain}.`);
  }
  const moved = r.characteristicMetrics.filter((m) => m.leftAt !== null);
  if (moved.length > 0) {
    out.push("  Characteristic metrics (left their pre-trigger envelope at / came back at):");
    for (const m of moved) {
      const back = m.backAt === null ? "not back" : `back ${fmt(m.backAt)} s`;
      const loop = m.loopAtEnd ? "  <- loop still running" : "";
      out.push(`    ${m.label.padEnd(34)} left ${fmt(m.leftAt!)} s, ${back}${loop}`);
    }
  }
  return out;
}

function workerTable(r: RunResult): string {
  const head = ["component", "type", "finished", "wasted", "busy %", "wasted %", "error %", "q max", "q end"];
  const pctOf = (a: number, b: number) => (b > 0 ? ((100 * a) / b).toFixed(1) : "-");
  const rows = r.workers.map((w) => [
    w.name,
    w.type,
    int(w.finished),
    int(w.wasted),
    (100 * w.utilisation).toFixed(1),
    pctOf(w.wastedBusySeconds, w.busySeconds),
    pctOf(w.errorBusySeconds, w.busySeconds),
    int(w.queueMax),
    int(w.queueAtEnd),
  ]);
  return table(head, rows, 2);
}

function callerTable(r: RunResult): string {
  const head = [
    "component",
    "type",
    "requests",
    "attempts",
    "per request",
    "timeouts",
    "completed",
    "gave up",
  ];
  const rows = r.callers.map((c) => [
    c.name,
    c.type,
    int(c.requests),
    int(c.attempts),
    `${c.attemptsPerRequest.toFixed(2)}x`,
    int(c.timeouts),
    int(c.completions),
    int(c.gaveUp),
  ]);
  return table(head, rows, 2);
}

function table(head: string[], rows: string[][], left: number): string {
  const widths = head.map((h, i) => rows.reduce((m, r) => Math.max(m, r[i]!.length), h.length));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`.trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function phaseTable(phases: PhaseStats[]): string {
  const head = [
    "phase",
    "time (s)",
    "offered",
    "goodput",
    "thruput",
    "timeouts",
    "retries",
    "queue",
    "q max",
    "p50 ms",
    "p99 ms",
  ];
  const rows = phases.map((p) => [
    p.label,
    `${fmt(p.start)}–${fmt(p.end)}`,
    p.offeredPerSec.toFixed(1),
    p.goodputPerSec.toFixed(1),
    p.throughputPerSec.toFixed(1),
    p.timeoutsPerSec.toFixed(1),
    p.retriesPerSec.toFixed(1),
    p.queueDepthMean.toFixed(1),
    int(p.queueDepthMax),
    ms(p.latencyP50),
    ms(p.latencyP99),
  ]);
  return table(head, rows, 2);
}

function pct(a: number, b: number): string {
  return b > 0 ? `${((100 * a) / b).toFixed(1)}%` : "-";
}

function ms(seconds: number | null): string {
  return seconds === null ? "-" : (seconds * 1000).toFixed(0);
}

function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmt(n: number): string {
  return String(Number(n.toFixed(3)));
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}
