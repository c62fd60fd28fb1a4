import { yaml } from "@codemirror/lang-yaml";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, Transaction } from "@codemirror/state";
import { effect } from "@preact/signals";
import { basicSetup, EditorView } from "codemirror";
import { useEffect, useRef } from "preact/hooks";
import { formatIssue, type ScenarioIssue } from "../../src/scenario/scenario-error.js";
import { scenarioText, validation, write } from "./scenario-store.js";

/** Where an issue points in the document: its line (1-based) from `column` to the line's end. */
function diagnostic(state: EditorState, issue: ScenarioIssue): Diagnostic {
  const lines = state.doc.lines;
  const line = state.doc.line(Math.min(Math.max(issue.line, 1), lines));
  const from = Math.min(line.from + Math.max(issue.column - 1, 0), line.to);
  return { from, to: Math.max(from, line.to), severity: "error", message: formatIssue(issue) };
}

/**
 * The scenario as text in a code editor (line numbers, YAML highlighting, each problem marked at
 * its line), with every problem also listed the way the CLI prints it.
 */
export function YamlView() {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let applying = false;
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: scenarioText.value,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          EditorView.contentAttributes.of({ "aria-label": "scenario YAML" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !applying) write(u.state.doc.toString(), { group: "yaml" });
          }),
        ],
      }),
    });
    // The scroller can be reached by keyboard, so its lines can be scrolled without a mouse.
    view.scrollDOM.tabIndex = 0;
    view.scrollDOM.setAttribute("aria-label", "scenario YAML, scrollable");
    // The view on its element, so a test (or an extension) can read the document exactly.
    (host.current as HTMLDivElement & { editorView?: EditorView }).editorView = view;
    // Edits made elsewhere (forms, canvas, undo) replace the editor's text; the editor's own undo
    // does not record them, the page's Undo does.
    const stopText = effect(() => {
      const text = scenarioText.value;
      if (text === view.state.doc.toString()) return;
      applying = true;
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        annotations: Transaction.addToHistory.of(false),
      });
      applying = false;
    });
    const stopIssues = effect(() => {
      const issues = validation.value.issues;
      view.dispatch(
        setDiagnostics(
          view.state,
          issues.map((i) => diagnostic(view.state, i)),
        ),
      );
    });
    return () => {
      stopText();
      stopIssues();
      view.destroy();
    };
  }, []);
  const issues = validation.value.issues;
  return (
    <div class="yaml-view">
      <div class="code-editor" ref={host} data-editor="yaml" />
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
