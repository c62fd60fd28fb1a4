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

/** A scenario that cannot be run, with every problem found in it. */
export class ScenarioError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ScenarioError";
  }
}

/** `file:line:column: field: message`, the form editors and terminals link to. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where}: ${issue.field ? `${issue.field}: ` : ""}${issue.message}`;
}
