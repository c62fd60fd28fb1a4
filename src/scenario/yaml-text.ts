import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
} from "yaml";
import { ScenarioError, type ScenarioIssue } from "./scenario-error.js";

// Reading a YAML (or JSON) file that people write, scenario or checks file: every problem is
// reported at its file, line and column, and hostile input (binary, huge, self-referencing,
// alias bombs, duplicate keys) is refused with a sentence, never a crash.

/** Turns a field path into an issue located at that field (or its nearest existing parent). */
export type IssueAt = (path: readonly (string | number)[], message: string) => ScenarioIssue;

/** A YAML text read into plain data, with a way to point back into the text. */
export interface YamlText {
  data: unknown;
  issueAt: IssueAt;
}

/**
 * Reads YAML or JSON text (JSON is read as YAML, which keeps line numbers for both); throws a
 * ScenarioError when it is not a readable document. `what` names the file's kind in messages.
 */
export function readYamlText(
  text: string,
  file: string,
  limits: { maxChars: number; what: string },
): YamlText {
  const fail = (line: number, message: string): never => {
    throw new ScenarioError([{ file, line, column: 0, field: "", message }]);
  };
  if (text.length > limits.maxChars) fail(0, `file is larger than ${limits.maxChars} characters`);
  const nul = text.indexOf("\0");
  // A binary file: the parser would report (and quote) thousands of problems.
  if (nul >= 0)
    fail(
      text.slice(0, nul).split("\n").length,
      `not a text file (it holds a NUL byte); expected a YAML or JSON ${limits.what}`,
    );
  const lineCounter = new LineCounter();
  // logLevel "error": no process warnings on stderr (a mapping used as a key becomes an unknown field).
  // Duplicate keys are found by duplicateKeys below: the parser's own check is quadratic in the
  // number of keys of a mapping (20,000 keys took 10 s).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: "error" });
  const locate = (offset: number) => lineCounter.linePos(offset);
  const problems: TreeProblem[] =
    doc.errors.length > 0
      ? doc.errors.map((e) => ({
          offset: e.pos[0],
          // The parser recurses per level and reports running out of stack as an error.
          message: e.message.includes("call stack")
            ? "not valid YAML: nested too deeply"
            : `not valid YAML: ${firstLine(e.message)}`,
        }))
      : [...duplicateKeys(doc), ...selfReferences(doc)];
  if (problems.length > 0) {
    throw new ScenarioError(
      problems.map(({ message, offset, field }) => {
        const pos = locate(offset);
        return { file, line: pos.line, column: pos.col, field: field ?? "", message };
      }),
    );
  }
  const issueAt: IssueAt = (path, message) => locatedIssue(doc, locate, file, path, message);
  try {
    // The alias cap stops "billion laughs" documents from expanding without bound.
    return { data: doc.toJS({ maxAliasCount: 1000 }), issueAt };
  } catch (e) {
    throw new ScenarioError([issueAt([], `cannot be read: ${firstLine((e as Error).message)}`)]);
  }
}

/** An issue located at `path` in a YAML document (or its nearest existing parent). */
function locatedIssue(
  doc: Document,
  locate: (offset: number) => { line: number; col: number },
  file: string,
  path: readonly (string | number)[],
  message: string,
): ScenarioIssue {
  // Walk down as far as the path exists; a missing field is reported at its parent.
  let node: unknown = doc.contents;
  for (const key of path) {
    if (!isNode(node) || !("get" in node)) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key);
      if (!pair) break;
      node = pair.value ?? pair.key;
      continue;
    }
    const next = (node as { get(k: unknown, keep: true): unknown }).get(key, true);
    if (next === undefined) break;
    node = next;
  }
  const range = isNode(node) ? node.range : undefined;
  const pos = range ? locate(range[0]) : { line: 0, col: 0 };
  return { file, line: pos.line, column: pos.col, field: path.join("."), message };
}

/** A problem found in the YAML tree, at an offset of the text. */
interface TreeProblem {
  message: string;
  offset: number;
  field?: string;
}

/**
 * Scalar keys repeated within one mapping (found in linear time), and `__proto__` keys, which
 * reading the document into objects would silently drop or turn into a prototype.
 */
function duplicateKeys(doc: Document): TreeProblem[] {
  const found: TreeProblem[] = [];
  visit(doc, {
    Map(_, map, path) {
      const where = fieldOf([...path, map]);
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        const offset = key.range?.[0] ?? 0;
        if (key.value === "__proto__")
          found.push({
            message: `"__proto__" cannot be a key or a name (it is reserved in JavaScript)`,
            offset,
            field: where,
          });
        else if (seen.has(key.value))
          found.push({
            message: `not valid YAML: duplicate key "${String(key.value)}" (keys must be unique in a mapping)`,
            offset,
          });
        seen.add(key.value);
      }
    },
  });
  return found;
}

/**
 * Aliases inside the node their anchor names (`p: &p {of: [*p]}`): the document would be
 * infinite, and reading it overflows the stack or builds a circular structure.
 */
function selfReferences(doc: Document): TreeProblem[] {
  const found: TreeProblem[] = [];
  visit(doc, {
    Alias(_, alias, path) {
      const source = alias.resolve(doc);
      if (source && path.includes(source))
        found.push({
          message: `the alias *${alias.source} refers to itself (it is inside the node &${alias.source} names), which would make the document infinite`,
          offset: alias.range?.[0] ?? 0,
          field: fieldOf([...path, alias]),
        });
    },
  });
  return found;
}

/** The dotted field path of the last node of a visitor's path (keys of pairs, indices in lists). */
function fieldOf(path: readonly unknown[]): string {
  const parts: (string | number)[] = [];
  for (const [i, node] of path.entries()) {
    if (isPair(node) && isScalar(node.key)) parts.push(String(node.key.value));
    else if (isSeq(node)) parts.push(node.items.indexOf(path[i + 1] as never));
  }
  return parts.join(".");
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
