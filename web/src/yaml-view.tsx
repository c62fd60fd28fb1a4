import { formatIssue } from "../../src/scenario/scenario-error.js";
import { scenarioText, validation } from "./scenario-store.js";

/** The scenario as text, with every problem listed the way the CLI prints it. */
export function YamlView() {
  const issues = validation.value.issues;
  return (
    <div class="yaml-view">
      <textarea
        aria-label="scenario YAML"
        spellcheck={false}
        value={scenarioText.value}
        onInput={(e) => {
          scenarioText.value = (e.target as HTMLTextAreaElement).value;
        }}
      />
      <IssueList />
      {issues.length === 0 && <p class="ok">The scenario is valid.</p>}
    </div>
  );
}

/** The scenario's problems as `file:line:column: field: message`. */
export function IssueList() {
  const issues = validation.value.issues;
  if (issues.length === 0) return null;
  return (
    <ul class="issues" role="alert" aria-label="scenario errors">
      {issues.map((i) => (
        <li key={formatIssue(i)}>{formatIssue(i)}</li>
      ))}
    </ul>
  );
}
