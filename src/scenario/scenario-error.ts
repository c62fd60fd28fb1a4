import { printableLine } from "./printable.js";

/** One problem found in a scenario, located in its file. */
export interface ScenarioIssue {
  file: string;
  /** 1-based line and column; 0 when the problem has no position (the file as a whole). */
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `servers.api.concurrency`; empty for the whole document. */
  field: string;
  message: string;
}

// A hostile file can have thousands of problems, each quoting the file: the message shows the
// first ones, each cut to a line's worth, and says how many more there are (`issues` has them all).
const SHOWN_ISSUES = 20;
const SHOWN_CHARS = 300;

/** A scenario that cannot be run, with every problem found in it. */
export class ScenarioError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    const shown = issues.slice(0, SHOWN_ISSUES).map(formatIssue);
    if (issues.length > SHOWN_ISSUES) shown.push(`... and ${issues.length - SHOWN_ISSUES} more problems`);
    super(shown.join("\n"));
    this.name = "ScenarioError";
  }
}

/** `file:line:column: field: message`, the form editors and terminals link to, on one printable line. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const text = printableLine(`${where}: ${issue.field ? `${issue.field}: ` : ""}${issue.message}`);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}...` : text;
}
