import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { type Override, withOverrides } from "../analysis/overrides.js";
import { readScenarioFile, readScenarioText } from "../files/scenario-file.js";
import type { ProfileSpec } from "../model/load/profile.js";
import { parseTraceCsv, TraceCsvError } from "../model/load/trace-csv.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";

/** A scenario read from disk: its text (worker threads re-parse it) and the spec to run. */
export interface LoadedScenario {
  text: string;
  parsed: ParsedScenario;
}

/**
 * Reads a scenario file, reads the CSV files its `trace` profiles name (relative to the scenario
 * file) into their points, then applies `--set` overrides. Every trial carries the resulting spec,
 * so worker threads and queue workers never read the CSV files themselves.
 */
export function loadScenario(path: string, overrides: readonly Override[] = []): LoadedScenario {
  const text = readScenarioText(path);
  const parsed = readScenarioFile(path, text);
  return { text, parsed: withOverrides(withTraces(parsed), overrides) };
}

type Path = (string | number)[];

/** The parsed scenario with every `trace` profile's `file` read into `points`. */
export function withTraces(parsed: ParsedScenario): ParsedScenario {
  const sources = parsed.spec.sources as Record<string, { profile: ProfileSpec }> | undefined;
  if (!sources) return parsed;
  let changed = false;
  const resolve = (p: ProfileSpec, at: Path): ProfileSpec => {
    if (p.kind === "sum") return { ...p, of: p.of.map((q, i) => resolve(q, [...at, "of", i])) };
    if (p.kind !== "trace" || p.file === undefined) return p;
    if (p.points !== undefined)
      throw new ScenarioError([parsed.issueAt([...at, "points"], "give `file` or `points`, not both")]);
    changed = true;
    return { ...p, points: readTrace(parsed, p.file, [...at, "file"]) };
  };
  const resolved = Object.fromEntries(
    Object.entries(sources).map(([name, s]) => [
      name,
      { ...s, profile: resolve(s.profile, ["sources", name, "profile"]) },
    ]),
  );
  return changed ? { ...parsed, spec: { ...parsed.spec, sources: resolved } } : parsed;
}

function readTrace(parsed: ParsedScenario, file: string, at: Path) {
  const path = isAbsolute(file) ? file : join(dirname(parsed.file), file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : (e as Error).message;
    throw new ScenarioError([parsed.issueAt(at, `cannot read trace file ${path}: ${why}`)]);
  }
  try {
    return parseTraceCsv(text);
  } catch (e) {
    if (!(e instanceof TraceCsvError)) throw e;
    throw new ScenarioError(e.issues.map((i) => ({ file: path, ...i })));
  }
}
