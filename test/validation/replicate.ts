import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import type { Distribution } from "../../src/engine/distribution.js";
import { createDistribution, type DistributionSpec } from "../../src/engine/distributions.js";
import { Simulation } from "../../src/engine/simulation.js";
import type { Caller, ReplyStatus } from "../../src/model/call.js";
import { Server } from "../../src/model/components/server.js";
import { Source } from "../../src/model/components/source.js";

/**
 * Shared machinery of the validation suite: run size (fast or full), seeds, Student-t confidence
 * intervals over independent replications, checks that record a row for docs/validation.md and
 * fail with the seeds needed to replay them.
 */

/** `METASTABLE_VALIDATE=full` (npm run validate) selects the large suite; otherwise the fast subset. */
export const FULL = process.env.METASTABLE_VALIDATE === "full";

/** Picks the fast or the full value of a size. */
export function size<T>(fast: T, full: T): T {
  return FULL ? full : fast;
}

/** `n` consecutive seeds from `base`. The fast subset uses a prefix of the full suite's seeds. */
export function seedsFrom(base: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => base + i);
}

/** Seeds as written in reports: a range when consecutive. */
export function seedLabel(seeds: readonly number[]): string {
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  if (consecutive && seeds.length > 2) return `${seeds[0]}–${seeds[seeds.length - 1]}`;
  return seeds.join(", ");
}

// ---- Student t ------------------------------------------------------------------------------

// Lanczos approximation (g = 7, 9 terms): about 15 significant digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Continued fraction of the incomplete beta function (modified Lentz), valid for x < (a+1)/(a+b+2).
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function betaRegularized(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(|T| > t) for Student's t with `df` degrees of freedom. */
export function tTwoSidedTail(t: number, df: number): number {
  return betaRegularized(df / (df + t * t), df / 2, 0.5);
}

const quantiles = new Map<string, number>();

/**
 * The t with P(|T| <= t) = `level` for `df` degrees of freedom (2.093 for level 0.95, df 19):
 * the incomplete-beta tail inverted by bisection, accurate far beyond the 3 decimals of a table.
 */
export function tQuantile(level: number, df: number): number {
  if (!(level > 0 && level < 1) || !(df >= 1)) throw new RangeError(`tQuantile(${level}, ${df})`);
  const key = `${level}:${df}`;
  const cached = quantiles.get(key);
  if (cached !== undefined) return cached;
  const tail = 1 - level;
  let lo = 0;
  let hi = 1;
  while (tTwoSidedTail(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  quantiles.set(key, t);
  return t;
}

/** A replication mean with the half-width of its two-sided Student-t confidence interval. */
export interface Interval {
  n: number;
  mean: number;
  sd: number;
  half: number;
}

/** Mean and `level` confidence half-width of independent replications (n >= 2). */
export function confidenceInterval(xs: readonly number[], level = 0.95): Interval {
  const n = xs.length;
  if (n < 2) throw new RangeError(`need at least 2 replications, got ${n}`);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, half: (tQuantile(level, n - 1) * sd) / Math.sqrt(n) };
}

// ---- checks and the report ------------------------------------------------------------------

/** One line of docs/validation.md. */
export interface Row {
  /** Section, e.g. "M/M/c". */
  group: string;
  /** The configuration, e.g. "c = 2, ρ = 0.7". */
  check: string;
  /** What is compared, e.g. "Wq (mean wait)". */
  quantity: string;
  theory: number | null;
  mean: number | null;
  /** 95% half-width; null for exact identities. */
  half: number | null;
  /** The largest half-width / |theory| accepted, so a wide interval cannot pass vacuously. */
  maxRelHalf: number | null;
  n: number;
  seeds: string;
  result: "pass" | "fail" | "skipped";
  note: string;
}

const rows: Row[] = [];

const fmt = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString());
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** What a theory check compares. */
export interface TheoryCheck {
  group: string;
  check: string;
  quantity: string;
  theory: number;
  /** One estimate per replication, in seed order. */
  samples: readonly number[];
  seeds: readonly number[];
  maxRelHalf: number;
  /**
   * A bias the measurement is known to carry, at most this share of theory (e.g. the time a few
   * timeouts misattribute): theory passes within the interval widened by it. Default: 0.
   */
  tolerance?: number;
  note?: string;
}

/**
 * Passes when theory lies inside the 95% replication interval (widened by `tolerance`, a bias the
 * measurement is known to carry) AND the interval is narrower than `maxRelHalf` of the value:
 * together they reject any error larger than 2 x maxRelHalf + tolerance.
 */
export function checkTheory(c: TheoryCheck): void {
  const ci = confidenceInterval(c.samples);
  const relHalf = ci.half / Math.abs(c.theory);
  const allowed = ci.half + (c.tolerance ?? 0) * Math.abs(c.theory);
  const inside = Math.abs(ci.mean - c.theory) <= allowed;
  const tight = relHalf <= c.maxRelHalf;
  rows.push({
    group: c.group,
    check: c.check,
    quantity: c.quantity,
    theory: c.theory,
    mean: ci.mean,
    half: ci.half,
    maxRelHalf: c.maxRelHalf,
    n: ci.n,
    seeds: seedLabel(c.seeds),
    result: inside && tight ? "pass" : "fail",
    note: c.note ?? "",
  });
  const where =
    `${c.group} ${c.check} ${c.quantity}: measured ${fmt(ci.mean)} ± ${fmt(ci.half)} ` +
    `(95% CI, n = ${ci.n}, seeds ${seedLabel(c.seeds)}), theory ${fmt(c.theory)}`;
  const widened = c.tolerance ? ` widened by ${pct(c.tolerance)} of known bias` : "";
  expect(inside, `${where}: theory outside the interval${widened}`).toBe(true);
  expect(tight, `${where}: half-width is ${pct(relHalf)} of the value, above ${pct(c.maxRelHalf)}`).toBe(
    true,
  );
}

/** An identity that must hold exactly in every replication (counts, not estimates). */
export interface ExactCheck {
  group: string;
  check: string;
  quantity: string;
  /** Expected and measured value per replication, in seed order. */
  expected: readonly number[];
  measured: readonly number[];
  seeds: readonly number[];
  note?: string;
}

/** Passes when measured equals expected in every replication; reports the totals. */
export function checkExact(c: ExactCheck): void {
  const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const bad = c.seeds.filter((_, i) => c.measured[i] !== c.expected[i]);
  rows.push({
    group: c.group,
    check: c.check,
    quantity: c.quantity,
    theory: total(c.expected),
    mean: total(c.measured),
    half: null,
    maxRelHalf: null,
    n: c.seeds.length,
    seeds: seedLabel(c.seeds),
    result: bad.length === 0 && c.seeds.length > 0 ? "pass" : "fail",
    note: c.note ?? "",
  });
  const detail = c.seeds.map((s, i) => `seed ${s}: ${c.measured[i]} vs ${c.expected[i]}`).join("; ");
  expect(bad, `${c.group} ${c.check} ${c.quantity} differs on seeds ${bad.join(", ")} (${detail})`).toEqual(
    [],
  );
  expect(c.seeds.length).toBeGreaterThan(0);
}

/** Records a check that was not made, with the reason, so the report shows it was considered. */
export function recordSkip(group: string, check: string, quantity: string, reason: string): void {
  rows.push({
    group,
    check,
    quantity,
    theory: null,
    mean: null,
    half: null,
    maxRelHalf: null,
    n: 0,
    seeds: "",
    result: "skipped",
    note: reason,
  });
}

/**
 * With METASTABLE_VALIDATE_OUT set (scripts/validate.mjs sets it), writes this test file's rows
 * there as `<id>.json` once its tests have run, for the script to assemble docs/validation.md.
 * In the fast subset, checks the committed docs/validation.md against the rows instead.
 */
export function reportRows(id: string): void {
  afterAll(() => {
    const dir = process.env.METASTABLE_VALIDATE_OUT;
    if (!FULL) checkDocument(rows);
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.json`), `${JSON.stringify({ id, full: FULL, rows }, null, 2)}\n`);
  });
}

// ---- the committed document ------------------------------------------------------------------

const DOC = join(import.meta.dirname, "..", "..", "docs", "validation.md");

/** Numbers as scripts/validate.mjs writes them. */
const docNumber = (x: number) =>
  x === 0 ? "0" : Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();

/** The table rows of docs/validation.md as cells, keyed "group / check / quantity". */
export function documentRows(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let group = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) group = line.slice(3).trim();
    if (!line.startsWith("| ") || /^\|\s*-/.test(line)) continue;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll("\\|", "|"));
    if (cells[0] === "Check") continue;
    out.set(`${group} / ${cells[0]} / ${cells[1]}`, cells.slice(2));
  }
  return out;
}

/**
 * The fast subset is a subset of the full suite (same configurations, a prefix of its seeds), so
 * every row it records must be in the committed document with the same theory, a passing result
 * and an interval that overlaps the fast one; and the document's totals must match its tables.
 * A change to a check, a theory or the simulator that moves a result fails here until `npm run
 * validate` regenerates the document.
 */
function checkDocument(recorded: readonly Row[]): void {
  // The fluid sections at the end (scripts/fluid-validate.mjs) are comparisons, not check rows.
  const whole = readFileSync(DOC, "utf8");
  const fluidAt = whole.indexOf("<!-- fluid model section");
  const text = fluidAt >= 0 ? whole.slice(0, fluidAt) : whole;
  const table = documentRows(text);
  const totals = /Result: (\d+) passed, (\d+) failed, (\d+) skipped;/.exec(text);
  expect(totals, "docs/validation.md: no Result line").not.toBeNull();
  const results = [...table.values()].map((cells) => cells[6]!.split(/[ :]/)[0]);
  expect(totals!.slice(1).map(Number), "docs/validation.md: Result line against its tables").toEqual(
    ["pass", "fail", "skipped"].map((r) => results.filter((x) => x === r).length),
  );
  for (const r of recorded) {
    const key = `${r.group} / ${r.check} / ${r.quantity}`;
    const where = `docs/validation.md, ${key}`;
    const cells = table.get(key);
    expect(cells, `${where}: missing; run npm run validate`).toBeDefined();
    const [theory, measured, half, , , , result] = cells!;
    if (r.result === "skipped") {
      expect(result, where).toMatch(/^skipped/);
      continue;
    }
    expect(result, where).toMatch(/^pass/);
    // Exact rows show totals over the seeds, which differ with fewer seeds.
    if (r.half === null || r.mean === null) continue;
    expect(theory, `${where}: theory`).toBe(docNumber(r.theory!));
    // Both are 95% intervals over overlapping seeds: they must overlap.
    const docMean = Number(measured);
    const docHalf = Number(half!.split(" ")[0]);
    expect(
      Math.abs(docMean - r.mean),
      `${where}: documented ${docMean} ± ${docHalf}, measured now ${r.mean} ± ${r.half}`,
    ).toBeLessThanOrEqual(docHalf + r.half);
  }
}

// ---- one replication of a queue --------------------------------------------------------------

/** A `Server` fed Poisson arrivals straight from a `Source`. Seconds and requests per second. */
export interface QueueSetup {
  seed: number;
  /** Arrival rate. */
  lambda: number;
  service: DistributionSpec;
  concurrency?: number;
  queueCapacity?: number;
  /** Simulated end of the replication. */
  horizon: number;
  /** Statistics cover arrivals and time from here on; the empty start is discarded. */
  warmup: number;
}

/** Estimates from one replication (after the warm-up). */
export interface QueueMeasures {
  /** Mean time in system of served calls. */
  timeInSystem: number;
  /** Time-average number in system (waiting plus in service), integrated exactly. */
  numberInSystem: number;
  /** Mean wait before service starts. */
  wait: number;
  /** Fraction of arrivals that found every worker busy. */
  waitProbability: number;
  /** Fraction of arrivals refused ("rejected") because the system was full. */
  blocking: number;
}

/**
 * Runs one replication through a minimal sink that turns each arrival into a call. The wait is
 * measured when the server draws the call's service time, which it does as the work starts;
 * with a FIFO queue the call starting is the oldest one admitted and not yet started.
 */
export function runQueue(setup: QueueSetup): QueueMeasures {
  const { warmup, horizon } = setup;
  const sim = new Simulation({ seed: setup.seed });
  const service = createDistribution(setup.service);
  const admitted: number[] = [];
  let started = 0;
  let waitSum = 0;
  let waitCount = 0;
  const timed: Distribution = {
    label: service.label,
    mean: service.mean,
    min: service.min,
    sample(rng) {
      const arrivedAt = admitted[started++]!;
      if (arrivedAt >= warmup) {
        waitSum += sim.now - arrivedAt;
        waitCount++;
      }
      return service.sample(rng);
    },
  };
  const server = new Server(sim, "server", {
    serviceTime: timed,
    concurrency: setup.concurrency ?? 1,
    queueCapacity: setup.queueCapacity ?? Number.POSITIVE_INFINITY,
  });
  let inSystem = 0;
  let area = 0;
  let lastChange = warmup;
  let sojournSum = 0;
  let sojournCount = 0;
  let arrivals = 0;
  let foundBusy = 0;
  let blocked = 0;
  // Exact time-average of N(t) over [warmup, horizon]: integrate between changes.
  const change = (delta: number) => {
    const now = sim.now;
    if (now > warmup) area += inSystem * (now - Math.max(lastChange, warmup));
    lastChange = now;
    inSystem += delta;
  };
  const sink = {
    name: "sink",
    request() {
      const arrivedAt = sim.now;
      const counted = arrivedAt >= warmup;
      if (counted) {
        arrivals++;
        if (server.inFlight >= server.concurrency) foundBusy++;
      }
      change(+1);
      admitted.push(arrivedAt);
      const caller: Caller = {
        reply(_token: number, status: ReplyStatus) {
          change(-1);
          if (status === "rejected") {
            // Refused inside `accept`, before any service draw: it never joined the queue.
            admitted.pop();
            if (counted) blocked++;
          } else if (counted) {
            sojournSum += sim.now - arrivedAt;
            sojournCount++;
          }
          return true;
        },
        requestOf: () => -1,
      };
      server.accept(caller, 0, Number.POSITIVE_INFINITY);
    },
  };
  new Source(sim, "arrivals", sink, {
    profile: { kind: "constant", rate: setup.lambda },
    arrivals: "poisson",
  }).start();
  sim.run({ until: horizon });
  change(0);
  return {
    timeInSystem: sojournSum / sojournCount,
    numberInSystem: area / (horizon - warmup),
    wait: waitSum / waitCount,
    waitProbability: foundBusy / arrivals,
    blocking: blocked / arrivals,
  };
}
