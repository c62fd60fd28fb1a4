import { canonicalJson } from "./canonical-json.js";
import { SweepError } from "./param-path.js";
import type { Shard, SweepHeader, SweepJob } from "./sweep.js";
import type { TrialResult } from "./trial.js";
import { decodeTrialResult, encodeTrialResult } from "./trial-codec.js";

// Partial files and checkpoints share one format, JSON lines: a header naming the sweep, then one
// line per finished job keyed by its identity. Lines can be appended as jobs finish, a torn last
// line is detectable, and a job present twice (a duplicated partial) is harmless.

const FORMAT = "metastable-map-jobs";
const VERSION = 1;

/** A partial or checkpoint file, read. */
export interface SweepRecord {
  file: string;
  header: SweepHeader;
  shard: Shard | null;
  results: Map<string, TrialResult>;
  /** Length of the text up to the last complete line: a crash mid-write leaves a torn line after it. */
  validLength: number;
}

/** The first line of a record file. */
export function headerLine(header: SweepHeader, shard: Shard | null): string {
  return `${JSON.stringify({ format: FORMAT, version: VERSION, shard, ...header })}\n`;
}

/** One finished job as a line. */
export function jobLine(job: SweepJob, result: TrialResult): string {
  return `${JSON.stringify({ id: job.id, cell: job.cell, replication: job.replication, seed: job.seed, result: encodeTrialResult(result) })}\n`;
}

/** A whole record file: the header and `jobs` that have results, in job order. */
export function recordText(
  header: SweepHeader,
  shard: Shard | null,
  jobs: readonly SweepJob[],
  results: ReadonlyMap<string, TrialResult>,
): string {
  const lines = jobs.filter((j) => results.has(j.id)).map((j) => jobLine(j, results.get(j.id)!));
  return headerLine(header, shard) + lines.join("");
}

/** Parses a record file; a torn last line (no newline yet) is left out, anything else malformed is refused. */
export function parseRecord(text: string, file: string): SweepRecord {
  const end = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, end).split("\n").slice(0, -1);
  const parse = (line: string, n: number) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new SweepError(`${file}:${n}: not a JSON line; is this a map partial or checkpoint file?`);
    }
  };
  if (lines.length === 0) throw new SweepError(`${file} is empty or not a map partial or checkpoint file`);
  const { format, version, shard, ...header } = parse(lines[0]!, 1);
  if (format !== FORMAT)
    throw new SweepError(`${file} is not a map partial or checkpoint file (written by metastable map)`);
  if (version !== VERSION)
    throw new SweepError(`${file} has format version ${version}; this metastable reads version ${VERSION}`);
  const problem = headerProblem(header, shard);
  if (problem) throw new SweepError(`${file}:1: the header is damaged (${problem})`);
  const results = new Map<string, TrialResult>();
  for (const [i, line] of lines.slice(1).entries()) {
    const where = `${file}:${i + 2}`;
    const job = parse(line, i + 2);
    if (
      typeof job.id !== "string" ||
      !/^[0-9a-f]{32}$/.test(job.id) ||
      !isCount(job.cell) ||
      !isCount(job.replication) ||
      !isCount(job.seed)
    )
      throw new SweepError(`${where}: not a job record (id, cell, replication, seed, result)`);
    let result: TrialResult;
    try {
      result = decodeTrialResult(job.result, where);
    } catch (e) {
      throw new SweepError(`${(e as Error).message}; delete the line or the file to run the trial again`);
    }
    if (result.seed !== job.seed) throw new SweepError(`${where}: the result's seed is not the job's`);
    results.set(job.id, result);
  }
  return {
    file,
    header: header as unknown as SweepHeader,
    shard: shard as Shard | null,
    results,
    validLength: end,
  };
}

const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

const isAxis = (a: unknown) => {
  const x = a as Record<string, unknown> | null;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof x.param === "string" &&
    Number.isFinite(x.from) &&
    Number.isFinite(x.to) &&
    Number.isSafeInteger(x.steps) &&
    (x.steps as number) >= 1
  );
};

/** What is wrong with a record's header fields, or null. */
function headerProblem(h: Record<string, unknown>, shard: unknown): string | null {
  if (typeof h.scenario !== "string" || typeof h.scenarioHash !== "string") return "scenario";
  if (!isAxis(h.x) || !isAxis(h.y)) return "axes";
  if (!Number.isSafeInteger(h.replications) || (h.replications as number) < 1) return "replications";
  if (!isCount(h.baseSeed)) return "baseSeed";
  if (h.refine !== undefined && !isCount(h.refine)) return "refine";
  const s = shard as Shard | null;
  if (s !== null && !(isCount(s?.index) && isCount(s?.count) && s.index >= 1 && s.index <= s.count))
    return "shard";
  return null;
}

/** Whether two headers describe the same sweep; otherwise what differs. */
export function headerMismatch(a: SweepHeader, b: SweepHeader): string | null {
  if (a.scenarioHash !== b.scenarioHash)
    return `a different scenario ("${b.scenario}", content ${b.scenarioHash.slice(0, 8)} vs "${a.scenario}", ${a.scenarioHash.slice(0, 8)})`;
  for (const key of ["x", "y", "replications", "baseSeed"] as const) {
    if (canonicalJson(a[key]) !== canonicalJson(b[key]))
      return `a different sweep (${key}: ${canonicalJson(b[key])} vs ${canonicalJson(a[key])})`;
  }
  return null;
}

/**
 * Combines records of one sweep. Every record must come from the same scenario and axes; a job in
 * several records must have the same result in each (a difference means different code versions).
 */
export function mergeRecords(records: readonly SweepRecord[]): {
  header: SweepHeader;
  results: Map<string, TrialResult>;
} {
  const first = records[0];
  if (!first) throw new SweepError("merge needs at least one partial file");
  const results = new Map<string, TrialResult>();
  for (const r of records) {
    const mismatch = headerMismatch(first.header, r.header);
    if (mismatch)
      throw new SweepError(`${r.file} comes from ${mismatch} than ${first.file}; refusing to merge`);
    for (const [id, result] of r.results) {
      const seen = results.get(id);
      if (seen && canonicalJson(seen) !== canonicalJson(result))
        throw new SweepError(
          `${r.file}: job ${id} has a different result than in another partial (made by a different metastable version?)`,
        );
      results.set(id, result);
    }
  }
  return { header: first.header, results };
}
