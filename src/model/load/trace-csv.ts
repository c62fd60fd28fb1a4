import type { TracePoint } from "./profile.js";

// A (time, rate) CSV as monitoring systems export it: a Prometheus range query of
// rate(requests_total[1m]), a Grafana panel's "Download CSV", a spreadsheet column pair.

/** Largest trace file accepted, in characters. */
export const MAX_TRACE_CHARS = 16 * 1024 * 1024;

/** A problem in a trace file: 1-based line and column, the column's name, what was expected. */
export interface TraceCsvIssue {
  line: number;
  column: number;
  field: "time" | "rate" | "";
  message: string;
}

/** A trace file that cannot be read, with the first problems found (at most 10). */
export class TraceCsvError extends Error {
  constructor(readonly issues: readonly TraceCsvIssue[]) {
    super(
      issues.map((i) => `${i.line}:${i.column}: ${i.field ? `${i.field}: ` : ""}${i.message}`).join("\n"),
    );
    this.name = "TraceCsvError";
  }
}

/** Splits one CSV line on commas (or semicolons or tabs), honouring double quotes; returns each cell with its 1-based column. */
function cells(line: string): { text: string; column: number }[] {
  const out: { text: string; column: number }[] = [];
  let i = 0;
  while (i <= line.length) {
    const column = i + 1;
    let text = "";
    if (line[i] === '"') {
      i++;
      while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
        text += line[i];
        i += line[i] === '"' ? 2 : 1;
      }
      i++;
    }
    while (i < line.length && !",;\t".includes(line[i]!)) text += line[i++];
    out.push({ text: text.trim(), column });
    i++;
  }
  return out;
}

/** Seconds from a number (seconds, or a Unix timestamp) or an ISO 8601 date; NaN if neither. */
function seconds(text: string): number {
  if (text === "") return Number.NaN;
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  // Date.parse also reads "2026-12-02 10:00:00"; a bare word is NaN.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text.replace(" ", "T")) : Number.NaN;
  return ms / 1000;
}

/**
 * Reads `time,rate` rows into trace points. Times are seconds, Unix timestamps or ISO 8601 dates,
 * strictly increasing, shifted so the first row is at 0 s; rates are requests/s >= 0. A first row
 * that is not numeric is a header; blank lines and lines starting with `#` are skipped.
 */
export function parseTraceCsv(text: string): TracePoint[] {
  if (text.length > MAX_TRACE_CHARS)
    throw new TraceCsvError([
      { line: 0, column: 0, field: "", message: `file is larger than ${MAX_TRACE_CHARS} characters` },
    ]);
  const issues: TraceCsvIssue[] = [];
  const rows: { at: number; rate: number; line: number; column: number }[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let headerSeen = false;
  for (const [index, raw] of lines.entries()) {
    if (issues.length >= 10) break;
    const line = index + 1;
    if (raw.trim() === "" || raw.trimStart().startsWith("#")) continue;
    const row = cells(raw);
    const [time, rate] = row;
    if (rows.length === 0 && !headerSeen && Number.isNaN(seconds(time!.text))) {
      headerSeen = true;
      continue;
    }
    if (row.length !== 2) {
      issues.push({
        line,
        column: 1,
        field: "",
        message: `expected 2 columns (time, rate), got ${row.length}`,
      });
      continue;
    }
    const at = seconds(time!.text);
    if (!Number.isFinite(at)) {
      issues.push({
        line,
        column: time!.column,
        field: "time",
        message: `expected seconds, a Unix timestamp or an ISO 8601 date, got ${JSON.stringify(time!.text)}`,
      });
      continue;
    }
    const r = Number(rate!.text);
    if (rate!.text === "" || !Number.isFinite(r) || r < 0) {
      issues.push({
        line,
        column: rate!.column,
        field: "rate",
        message: `expected a rate in requests/s >= 0, got ${JSON.stringify(rate!.text)}`,
      });
      continue;
    }
    const prev = rows[rows.length - 1];
    if (prev && at <= prev.at) {
      issues.push({
        line,
        column: time!.column,
        field: "time",
        message: `expected times in increasing order: ${time!.text} is not after line ${prev.line}`,
      });
      continue;
    }
    rows.push({ at, rate: r, line, column: time!.column });
  }
  if (issues.length === 0 && rows.length === 0)
    issues.push({ line: 0, column: 0, field: "", message: "no (time, rate) rows found" });
  if (issues.length > 0) throw new TraceCsvError(issues);
  const t0 = rows[0]!.at;
  return rows.map((r) => ({ at: r.at - t0, rate: r.rate }));
}
