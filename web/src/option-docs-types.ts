/** One option as its interface documents it (web/option-docs.ts extracts them at build time). */
export interface OptionDoc {
  /** The doc comment, without its `Default: ...` sentence. */
  doc: string;
  /** What the `Default:` sentence says (e.g. `1`, `{ kind: "none" }`); null when it has none. */
  default: string | null;
  /** Declared without `?` and without a default. */
  required: boolean;
  /** The TypeScript type as written (`number`, `RetryBudgetOptions`), to find nested docs. */
  type: string;
}
