import {
  defaultText,
  kindsOf,
  type OptionDecl,
  type OptionSet,
  type PolicyFamily,
  rangeText,
  typeText,
} from "../model/options.js";

/** One option as the reference docs and the dashboard's forms show it, read from its declaration. */
export interface OptionDoc {
  /** What it does. */
  doc: string;
  /** The default as shown (`1`, `{ kind: "none" }`, `keys (all fit)`); null when it has none. */
  default: string | null;
  /** It must be given. */
  required: boolean;
  /** Its type as shown (`integer`, `backoff policy`). */
  type: string;
  /** A number's range as shown (`>= 1`), or "". */
  range: string;
  /** It names another component (`one`) or several (`list`). */
  reference?: "one" | "list";
  /** A group's own options. */
  options?: Record<string, OptionDoc>;
  /** A policy's kinds (or a list's item kinds: a service's steps), each with what it does and its own options. */
  kinds?: Record<string, { doc: string; options: Record<string, OptionDoc> }>;
}

/** The doc of one declared option. */
export function optionDoc(d: OptionDecl): OptionDoc {
  const out: OptionDoc = {
    doc: d.doc,
    default: defaultText(d),
    required: d.required === true,
    type: typeText(d),
    range: rangeText(d),
  };
  if (d.type === "reference") out.reference = d.list ? "list" : "one";
  if (d.type === "group") out.options = optionDocs(d.options);
  if (d.type === "policy") out.kinds = kindDocs(d.family);
  if (d.type === "value" && d.family) out.kinds = kindDocs(d.family);
  return out;
}

/** What each kind of a family does, and its own options. */
function kindDocs(family: PolicyFamily): NonNullable<OptionDoc["kinds"]> {
  return Object.fromEntries(
    kindsOf(family).map((k) => {
      const v = family.variants[k]!;
      return [k, { doc: v.doc, options: optionDocs(v.options) }];
    }),
  );
}

/** The docs of an option set, by option name, in declaration order. */
export function optionDocs(set: OptionSet): Record<string, OptionDoc> {
  return Object.fromEntries(Object.entries(set).map(([k, d]) => [k, optionDoc(d)]));
}
