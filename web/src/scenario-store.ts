import { computed, signal } from "@preact/signals";
import { type Document, isMap, isSeq, parseDocument } from "yaml";
import { buildModel } from "../../src/scenario/build.js";
import type { ComponentType } from "../../src/scenario/component-type.js";
import { type ParsedScenario, parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { ScenarioError, type ScenarioIssue } from "../../src/scenario/scenario-error.js";
import { clearScenarioDrafts } from "./drafts.js";

// The scenario text is the one source of truth: forms, the canvas and the timeline edit it through
// the YAML document model (comments and formatting survive), so what is exported is what the CLI runs.

/** The scenario as text (YAML or JSON), exactly as it would be saved. */
export const scenarioText = signal("");
/** File name shown in error messages and used for export. */
export const scenarioFile = signal("scenario.yaml");

/** The outcome of checking the text the way `metastable run` does (parse, then build the model). */
export interface Validation {
  parsed: ParsedScenario | null;
  issues: ScenarioIssue[];
}

/** Parses and builds the scenario; every problem comes back as the CLI would print it. */
export function validate(text: string, file: string): Validation {
  let parsed: ParsedScenario | null = null;
  try {
    parsed = parseScenarioText(text, file);
    buildModel(parsed);
    return { parsed, issues: [] };
  } catch (e) {
    if (e instanceof ScenarioError) return { parsed, issues: [...e.issues] };
    return { parsed, issues: [{ file, line: 0, column: 0, field: "", message: (e as Error).message }] };
  }
}

export const validation = computed(() => validate(scenarioText.value, scenarioFile.value));

/** The document as plain data (null while it is not a YAML mapping); forms read it. */
export const scenarioData = computed((): Record<string, unknown> | null => {
  const doc = parseDocument(scenarioText.value, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  return doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>;
});

/** Issues whose field is `field` exactly. */
export function issuesAt(field: string): ScenarioIssue[] {
  return validation.value.issues.filter((i) => i.field === field);
}

// ---- Edit history ------------------------------------------------------------------------------
// Every change to the scenario goes through `write`, so every edit (form, canvas, timeline, YAML,
// opening another scenario) can be undone. Keystrokes in one place within a second are one step.

interface Version {
  text: string;
  file: string;
}
const UNDO_LIMIT = 200;
const COALESCE_MS = 1000;
const past: Version[] = [];
const future: Version[] = [];
let lastGroup: { key: string; at: number } | null = null;
/** How many steps undo and redo can go; the buttons read these. */
export const historyDepth = signal({ undo: 0, redo: 0 });

function syncDepth(): void {
  historyDepth.value = { undo: past.length, redo: future.length };
}

/**
 * Replaces the scenario text as one undoable step. Writes with the same `group` (e.g. typing in
 * the YAML editor) less than a second apart are merged into one step.
 */
export function write(text: string, options: { file?: string; group?: string } = {}): void {
  const file = options.file ?? scenarioFile.value;
  if (text === scenarioText.value && file === scenarioFile.value) return;
  const now = Date.now();
  const merge =
    options.group !== undefined &&
    lastGroup?.key === options.group &&
    now - lastGroup.at < COALESCE_MS &&
    past.length > 0;
  if (!merge && (scenarioText.value !== "" || past.length > 0)) {
    past.push({ text: scenarioText.value, file: scenarioFile.value });
    if (past.length > UNDO_LIMIT) past.shift();
  }
  lastGroup = options.group === undefined ? null : { key: options.group, at: now };
  future.length = 0;
  scenarioFile.value = file;
  scenarioText.value = text;
  syncDepth();
}

function travel(from: Version[], to: Version[]): boolean {
  const v = from.pop();
  if (!v) return false;
  to.push({ text: scenarioText.value, file: scenarioFile.value });
  lastGroup = null;
  clearScenarioDrafts();
  scenarioFile.value = v.file;
  scenarioText.value = v.text;
  syncDepth();
  return true;
}

/** Goes back one edit; false when there is none. */
export const undo = (): boolean => travel(past, future);
/** Re-applies the last undone edit; false when there is none. */
export const redo = (): boolean => travel(future, past);

/** Replaces the whole scenario (catalog, import, shared URL, New scenario); undoable like any edit. */
export function loadScenario(text: string, file: string): void {
  clearScenarioDrafts();
  write(text, { file });
}

/**
 * Sets the value at `path` (undefined deletes it). Objects are written in flow style,
 * `{ kind: exponential, base: 0.05 }`, as the catalog writes them.
 */
export function setAt(path: (string | number)[], value: unknown): void {
  const doc = parseDocument(scenarioText.value);
  if (doc.errors.length > 0) return;
  if (value === undefined) {
    if (doc.hasIn(path)) doc.deleteIn(path);
  } else if (value !== null && typeof value === "object") {
    const node = doc.createNode(value, { flow: !Array.isArray(value) });
    doc.setIn(path, node);
  } else {
    doc.setIn(path, value);
  }
  write(doc.toString());
}

/**
 * Adds `value` at the end of the list at `path` (a new list when there is none), keeping the
 * list's items, style and comments; objects are written in flow style.
 */
export function appendAt(path: (string | number)[], value: unknown): void {
  const doc = parseDocument(scenarioText.value);
  if (doc.errors.length > 0) return;
  const item = value !== null && typeof value === "object" ? doc.createNode(value, { flow: true }) : value;
  if (isSeq(doc.getIn(path, true))) doc.addIn(path, item);
  else doc.setIn(path, doc.createNode([item]));
  write(doc.toString());
}

/** Name of the component whose form is open (the canvas and the tabs select it). */
export const selected = signal<string | null>(null);

/** Every component of the scenario as `{section, name, type, spec}`, in registry order. */
export function componentsOf(data: Record<string, unknown> | null) {
  if (!data) return [];
  return COMPONENT_TYPES.flatMap((t) =>
    Object.entries((data[t.section] as Record<string, unknown> | undefined) ?? {}).map(([name, spec]) => ({
      section: t.section,
      name,
      type: t,
      spec: (spec ?? {}) as Record<string, unknown>,
    })),
  );
}

/** Names as the scenario schema accepts them. */
const NAME = /^[A-Za-z][\w.-]*$/;

/**
 * Renames a component and every reference to it (every field its type declares as a reference,
 * triggers and interventions); returns why not when the new name is not usable.
 */
export function renameComponent(section: string, from: string, to: string): string | null {
  if (!NAME.test(to)) return `"${to}": names start with a letter and use letters, digits, _ . -`;
  const data = scenarioData.value;
  if (!data) return "the YAML does not parse";
  if (componentsOf(data).some((c) => c.name === to)) return `"${to}" is already a component`;
  const doc = parseDocument(scenarioText.value);
  const entries = doc.getIn([section], true);
  if (!isMap(entries)) return `no section ${section}`;
  const pair = entries.items.find((p) => (p.key as { value?: unknown })?.value === from);
  if (!pair) return `no component ${from}`;
  // Keep the key node (and its comments), change its text.
  (pair.key as { value: unknown }).value = to;
  for (const c of componentsOf(data)) {
    const at = c.name === from ? to : c.name;
    // Every name the type declares the entry to hold: `target`, `backends[i]`, a service's
    // `steps[i].target` and `steps[i].calls[j].target`.
    let refs: { path: (string | number)[]; name: string }[] = [];
    try {
      refs = c.type.references(c.spec as never);
    } catch {
      // A malformed entry names nothing; its form says what is wrong.
    }
    for (const r of refs) if (r.name === from) doc.setIn([c.section, at, ...r.path], to);
  }
  for (const list of ["triggers", "interventions"]) {
    const changes = data[list];
    if (Array.isArray(changes))
      changes.forEach((ch, i) => {
        if ((ch as { target?: unknown })?.target === from) doc.setIn([list, i, "target"], to);
      });
  }
  const layout = doc.get("layout", true);
  if (isMap(layout)) {
    // An entry under the new name can only be a stray one (the name is no component's).
    layout.delete(to);
    const place = layout.items.find((p) => (p.key as { value?: unknown })?.value === from);
    if (place) (place.key as { value: unknown }).value = to;
  }
  write(doc.toString());
  if (selected.value === from) selected.value = to;
  return null;
}

/** Removes a component and its place on the canvas; references to it become errors to fix. */
export function removeComponent(section: string, name: string): void {
  const doc = parseDocument(scenarioText.value);
  if (doc.errors.length > 0) return;
  doc.deleteIn([section, name]);
  unplace(doc, name);
  write(doc.toString());
}

/** Deletes `name`'s layout entry, and `layout` itself once it is empty. */
function unplace(doc: Document, name: string): void {
  const layout = doc.get("layout", true);
  if (!isMap(layout)) return;
  layout.delete(name);
  if (layout.items.length === 0) doc.delete("layout");
}

/** Records where the canvas draws `name` (whole drawing units, kept on the canvas). */
export function placeComponent(name: string, at: { x: number; y: number }): void {
  setAt(["layout", name], placeOf(at));
}

/** Copies a component under a free name (`name-2`, ...), next to it on the canvas; returns the new name. */
export function cloneComponent(section: string, name: string): string | null {
  const data = scenarioData.value;
  const spec = (data?.[section] as Record<string, unknown> | undefined)?.[name];
  if (!data || spec === undefined) return null;
  const taken = new Set(componentsOf(data).map((c) => c.name));
  let copy = `${name}-2`;
  for (let i = 3; taken.has(copy); i++) copy = `${name}-${i}`;
  const doc = parseDocument(scenarioText.value);
  if (doc.errors.length > 0) return null;
  doc.setIn([section, copy], doc.createNode(spec, { flow: true }));
  const at = (data.layout as Record<string, { x?: unknown; y?: unknown }> | undefined)?.[name];
  if (at && typeof at.x === "number" && typeof at.y === "number")
    doc.setIn(["layout", copy], doc.createNode({ x: at.x + 20, y: at.y + 60 }, { flow: true }));
  write(doc.toString());
  return copy;
}

/** A name for a new component of `type` that no component has: `server`, `server2`, ... */
export function freeName(type: ComponentType, taken: ReadonlySet<string>): string {
  let name = type.type;
  for (let i = 2; taken.has(name); i++) name = `${type.type}${i}`;
  return name;
}

/**
 * Adds `entry` as a new component of `type` under `name`, placed at `at` on the canvas when given,
 * as one undoable step, and opens its form.
 */
export function addComponent(
  type: ComponentType,
  name: string,
  entry: Record<string, unknown>,
  at?: { x: number; y: number },
): void {
  const doc = parseDocument(scenarioText.value);
  if (doc.errors.length > 0) return;
  doc.setIn([type.section, name], doc.createNode(entry, { flow: true }));
  if (at) doc.setIn(["layout", name], doc.createNode(placeOf(at), { flow: true }));
  write(doc.toString());
  selected.value = name;
}

/** A canvas point as the layout keeps it: whole drawing units, on the canvas. */
function placeOf(at: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.max(0, Math.round(at.x)), y: Math.max(0, Math.round(at.y)) };
}
