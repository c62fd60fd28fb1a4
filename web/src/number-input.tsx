import { drafts, numberProblem, setDraft } from "./drafts.js";

/** Props of a number field: `check` adds a range rule (returns why a value is refused). */
export interface NumberInputProps {
  name: string;
  /** Unique key of the field (its draft and element id); default: `name`. */
  id?: string;
  value: number | undefined;
  onCommit: (value: number | undefined) => void;
  /** False: an empty field is an error rather than "use the default". */
  optional?: boolean;
  check?: (value: number) => string | null;
  placeholder?: string;
  /** Accessible name, when no <label for={name}> names the field. */
  label?: string;
}

/**
 * A number field that keeps what was typed: a usable number is committed, anything else stays in
 * the field with its error next to it (and counts as a draft, which blocks runs).
 */
export function NumberInput({
  name,
  id = name,
  value,
  onCommit,
  optional = true,
  check,
  placeholder,
  label,
}: NumberInputProps) {
  const draft = drafts.value.get(id);
  const problem = draft === undefined ? null : numberProblem(draft, optional, check);
  const error = problem && "error" in problem ? problem.error : null;
  const errorId = `${id}-error`;
  return (
    <>
      <input
        type="text"
        inputMode="decimal"
        id={id}
        name={name}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={draft ?? (value === undefined ? "" : String(value))}
        placeholder={placeholder}
        onChange={(e) => {
          const text = (e.target as HTMLInputElement).value;
          const r = numberProblem(text, optional, check);
          if ("error" in r) setDraft(id, text);
          else {
            setDraft(id, null);
            onCommit(r.value);
          }
        }}
      />
      {error && (
        <span class="field-error" id={errorId} role="alert">
          {name}: {error}
        </span>
      )}
    </>
  );
}
