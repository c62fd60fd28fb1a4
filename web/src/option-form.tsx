import { stringify as toYaml, parse as yamlParse } from "yaml";
import type { z } from "zod";
import type { OptionDoc } from "../../src/scenario/option-docs.js";
import { formatIssue, type ScenarioIssue } from "../../src/scenario/scenario-error.js";
import { NumberInput } from "./number-input.js";
import { setAt, validation } from "./scenario-store.js";

// Forms generated from the registry's zod schemas (structure) and the options' declarations (docs
// and defaults), so a new option appears here with its documentation and nothing to add.

type Path = (string | number)[];
interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  discriminator?: string;
  entries?: Record<string, string>;
  values?: unknown[];
}
const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema without its optional wrapper, and whether it had one. */
function unwrap(s: z.ZodType): { schema: z.ZodType; optional: boolean } {
  let optional = false;
  let cur = s;
  while (def(cur).type === "optional" || def(cur).type === "default") {
    optional = true;
    cur = def(cur).innerType!;
  }
  return { schema: cur, optional };
}

const key = (path: Path) => path.join(".");

function issuesUnder(path: Path, exact: boolean): ScenarioIssue[] {
  const k = key(path);
  return validation.value.issues.filter((i) =>
    exact ? i.field === k : i.field === k || i.field.startsWith(`${k}.`),
  );
}

function Issues({ path, exact = true }: { path: Path; exact?: boolean }) {
  const list = issuesUnder(path, exact);
  if (list.length === 0) return null;
  return (
    <ul class="field-issues" role="alert">
      {list.map((i) => (
        <li key={formatIssue(i)}>{formatIssue(i)}</li>
      ))}
    </ul>
  );
}

interface FieldProps {
  name: string;
  path: Path;
  schema: z.ZodType;
  value: unknown;
  doc: OptionDoc | undefined;
  /** Names of the scenario's components, for reference fields. */
  names: string[];
}

function Label({ name, doc, optional }: { name: string; doc: OptionDoc | undefined; optional: boolean }) {
  return (
    <span class="label">
      <code>{name}</code>
      {doc?.default != null ? (
        <span class="default">default: {doc.default}</span>
      ) : !optional ? (
        <span class="default">required</span>
      ) : null}
    </span>
  );
}

function numberInput(props: FieldProps, optional: boolean) {
  const { path, value, doc } = props;
  return (
    <NumberInput
      name={key(path)}
      label={key(path)}
      value={typeof value === "number" ? value : undefined}
      placeholder={doc?.default ?? (optional ? "" : "required")}
      onCommit={(v) => setAt(path, v)}
    />
  );
}

function choice(
  props: FieldProps,
  options: string[],
  optional: boolean,
  parse: (s: string) => unknown,
  shown: unknown = props.value,
) {
  const { path, doc } = props;
  return (
    <select
      name={key(path)}
      aria-label={key(path)}
      value={shown === undefined ? "" : String(shown)}
      onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        setAt(path, v === "" ? undefined : parse(v));
      }}
    >
      {(optional || shown === undefined) && (
        <option value="">{doc?.default != null ? `(default: ${doc.default})` : "(unset)"}</option>
      )}
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

/** Anything the form has no widget for (lists, nested profiles): edited as a YAML snippet. */
function yamlInput(props: FieldProps) {
  const { path, value } = props;
  const text = value === undefined ? "" : toYaml(value, { collectionStyle: "flow", lineWidth: 1000 }).trim();
  return (
    <textarea
      class="snippet"
      name={key(path)}
      aria-label={key(path)}
      rows={Math.min(6, Math.max(1, Math.ceil(text.length / 56)))}
      value={text}
      onChange={(e) => {
        const t = (e.target as HTMLTextAreaElement).value.trim();
        try {
          setAt(path, t === "" ? undefined : yamlParse(t));
        } catch {
          // Not YAML: keep the text in the box; nothing is written until it parses.
          (e.target as HTMLTextAreaElement).setCustomValidity("not valid YAML");
          (e.target as HTMLTextAreaElement).reportValidity();
        }
      }}
    />
  );
}

function Field(props: FieldProps) {
  const { name, path, value, doc, names } = props;
  const { schema, optional } = unwrap(props.schema);
  const d = def(schema);
  let control: preact.ComponentChild;
  let nested: preact.ComponentChild = null;
  if (doc?.reference === "one") {
    const others =
      names.includes(String(value ?? "")) || value === undefined ? names : [...names, String(value)];
    control = choice(props, others, optional, (s) => s);
  } else if (d.type === "number") control = numberInput(props, optional);
  else if (d.type === "boolean") control = choice(props, ["true", "false"], optional, (s) => s === "true");
  else if (d.type === "enum") control = choice(props, Object.values(d.entries ?? {}), optional, (s) => s);
  else if (d.type === "string")
    control = (
      <input
        type="text"
        name={key(path)}
        aria-label={key(path)}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => setAt(path, (e.target as HTMLInputElement).value || undefined)}
      />
    );
  else if (d.type === "union" && d.discriminator) {
    const variants = d.options!.map((o) => ({
      kind: String(def(def(o).shape![d.discriminator!]!).values![0]),
      o,
    }));
    const current = (value as Record<string, unknown> | undefined)?.[d.discriminator];
    control = choice(
      props,
      variants.map((v) => v.kind),
      optional,
      (kind) => ({ [d.discriminator!]: kind }),
      current,
    );
    const variant = variants.find((v) => v.kind === current);
    if (variant && value && typeof value === "object")
      nested = (
        <ObjectFields
          path={path}
          shape={def(variant.o).shape!}
          value={value as Record<string, unknown>}
          docs={doc?.kinds?.[variant.kind]?.options ?? {}}
          names={names}
          skip={[d.discriminator]}
        />
      );
  } else if (d.type === "object" && optional) {
    control = (
      <input
        type="checkbox"
        name={key(path)}
        aria-label={key(path)}
        checked={value !== undefined}
        onChange={(e) => setAt(path, (e.target as HTMLInputElement).checked ? {} : undefined)}
      />
    );
    if (value && typeof value === "object")
      nested = (
        <ObjectFields
          path={path}
          shape={d.shape!}
          value={value as Record<string, unknown>}
          docs={doc?.options ?? {}}
          names={names}
        />
      );
  } else control = yamlInput(props);
  const snippet = !nested && !["number", "boolean", "enum", "string", "union"].includes(d.type);
  return (
    <div class="field" data-field={key(path)}>
      <div class="field-row">
        <Label name={name} doc={doc} optional={optional} />
        {control}
      </div>
      {doc?.doc && <span class="doc">{doc.doc}</span>}
      <Issues path={path} exact={!snippet} />
      {nested && <div class="nested">{nested}</div>}
    </div>
  );
}

/** One field per key of an object schema, in schema order. */
export function ObjectFields(props: {
  path: Path;
  shape: Record<string, z.ZodType>;
  value: Record<string, unknown>;
  docs: Record<string, OptionDoc>;
  names: string[];
  skip?: string[];
}) {
  return (
    <>
      {Object.entries(props.shape)
        .filter(([k]) => !props.skip?.includes(k))
        .map(([k, s]) => (
          <Field
            key={k}
            name={k}
            path={[...props.path, k]}
            schema={s}
            value={props.value[k]}
            doc={props.docs[k]}
            names={props.names}
          />
        ))}
    </>
  );
}

/** Problems under `path` that no field shows (unknown fields, a wrong shape of the whole entry). */
export function OtherIssues({ path, shape }: { path: Path; shape: Record<string, z.ZodType> }) {
  const shown = (field: string) => Object.keys(shape).some((k) => field.startsWith(key([...path, k])));
  const list = issuesUnder(path, false).filter((i) => !shown(i.field));
  if (list.length === 0) return null;
  return (
    <ul class="field-issues" role="alert">
      {list.map((i) => (
        <li key={formatIssue(i)}>{formatIssue(i)}</li>
      ))}
    </ul>
  );
}

export { unwrap };
