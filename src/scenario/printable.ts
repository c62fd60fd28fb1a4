// Control characters (C0, DEL, C1), bidirectional controls (overrides, isolates, marks) and
// line/paragraph separators: echoed raw, they rewrite a terminal line or reorder what a reader
// sees (a name that displays as "server" but is not), so messages show them as \u{...} escapes.
const UNPRINTABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/gu;

const escaped = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** `text` with every control or direction-changing character escaped; newlines and tabs are kept. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === "\n" || c === "\t" ? c : escaped(c)));
}

/** `text` on one line: `printable`, with newlines and tabs escaped too. */
export function printableLine(text: string): string {
  return text.replace(UNPRINTABLE, escaped);
}
