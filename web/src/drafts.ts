import { signal } from "@preact/signals";

// What a person typed into a number field that is not a usable number ("abc", "1e400") is kept
// here, by field name, so the field shows it with its error instead of dropping it silently.

/** Unusable text in number fields, by field name. */
export const drafts = signal<ReadonlyMap<string, string>>(new Map());

/** Keeps (text) or forgets (null) the draft of `name`. */
export function setDraft(name: string, text: string | null): void {
  if ((drafts.value.get(name) ?? null) === text) return;
  const next = new Map(drafts.value);
  if (text === null) next.delete(name);
  else next.set(name, text);
  drafts.value = next;
}

/** Names of analysis fields start with this; the others are scenario fields (option paths). */
export const ANALYSIS_FIELD = "analysis:";

/** Forgets the drafts of scenario fields (another scenario, or another version of it, is open). */
export function clearScenarioDrafts(): void {
  const kept = [...drafts.value].filter(([k]) => k.startsWith(ANALYSIS_FIELD));
  if (kept.length !== drafts.value.size) drafts.value = new Map(kept);
}

/** Drafts of scenario fields: while there are any, what is on screen is not what would run. */
export function scenarioDrafts(): string[] {
  return [...drafts.value.keys()].filter((k) => !k.startsWith(ANALYSIS_FIELD));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads a typed number: the value (undefined for an empty field) or why it is not one. */
export function readNumber(text: string): { value: number | undefined } | { error: string } {
  const t = text.trim();
  if (t === "") return { value: undefined };
  if (!NUMBER.test(t)) return { error: `expected a number, got "${t}"` };
  const n = Number(t);
  if (!Number.isFinite(n)) return { error: `${t} is too large: expected a finite number` };
  return { value: n };
}

/** Why `text` cannot be committed, or null with the value to commit. */
export function numberProblem(
  text: string,
  optional: boolean,
  check?: (value: number) => string | null,
): { error: string } | { value: number | undefined } {
  const read = readNumber(text);
  if ("error" in read) return read;
  if (read.value === undefined) return optional ? read : { error: "required: enter a number" };
  const why = check?.(read.value);
  return why ? { error: why } : read;
}
