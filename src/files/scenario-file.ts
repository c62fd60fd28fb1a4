import { readFileSync } from "node:fs";
import { type ParsedScenario, parseScenarioText } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";

// Scenario files on disk, for the faces that run under Node (the command line, the dashboard's
// server); the page reads text it is given and never imports this.

/** Reads a scenario file; a missing or unreadable file is bad input, not an internal failure. */
export function readScenarioFile(path: string, text = readScenarioText(path)): ParsedScenario {
  return parseScenarioText(text, path);
}

/** A scenario file's text (worker threads re-parse it); errors as in readScenarioFile. */
export function readScenarioText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a folder, not a file"
          : (e as Error).message;
    throw new ScenarioError([{ file: path, line: 0, column: 0, field: "", message: why }]);
  }
}
