import { signal } from "@preact/signals";
import type { z } from "zod";
import { optionDocs } from "../../src/scenario/option-docs.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { ObjectFields, OtherIssues } from "./option-form.js";
import {
  addComponent,
  cloneComponent,
  componentsOf,
  freeName,
  removeComponent,
  renameComponent,
  scenarioData,
  selected,
  validation,
} from "./scenario-store.js";
import { newComponent } from "./starting-values.js";
import { allowedConnections } from "./wiring.js";

/** Why the last rename was refused, shown under the name. */
const renameError = signal<string | null>(null);

const shapeOf = (s: z.ZodType) => (s as unknown as { shape: Record<string, z.ZodType> }).shape;

function AddComponent() {
  const data = scenarioData.value;
  if (!data) return null;
  const all = componentsOf(data).map((c) => c.name);
  const taken = new Set(all);
  const add = (form: HTMLFormElement) => {
    const type = COMPONENT_TYPES.find(
      (t) => t.type === (form.elements.namedItem("type") as HTMLSelectElement).value,
    )!;
    const name = freeName(type, taken);
    addComponent(type, name, newComponent(type, name, validation.value.parsed, all));
  };
  return (
    <form
      class="add-component"
      onSubmit={(e) => {
        e.preventDefault();
        add(e.target as HTMLFormElement);
      }}
    >
      <select name="type" aria-label="component type">
        {COMPONENT_TYPES.map((t) => (
          <option key={t.type} value={t.type}>
            {t.type}
          </option>
        ))}
      </select>
      <button type="submit">Add component</button>
    </form>
  );
}

/** The selected component's form: every option with its documented default and its errors. */
export function ComponentsView() {
  const data = scenarioData.value;
  if (!data) return <p class="notice">The YAML does not parse; fix it in the YAML tab.</p>;
  const all = componentsOf(data);
  const names = all.map((c) => c.name);
  const current = all.find((c) => c.name === selected.value) ?? all[0];
  return (
    <div class="components-view">
      <AddComponent />
      <div class="component-tabs" role="tablist">
        {all.map((c) => (
          <button
            type="button"
            role="tab"
            key={`${c.section}.${c.name}`}
            aria-selected={c === current}
            data-component={c.name}
            onClick={() => {
              selected.value = c.name;
            }}
          >
            {c.name} <span class="type-tag">{c.type.type}</span>
          </button>
        ))}
      </div>
      {current && (
        <div class="component-form" data-form={`${current.section}.${current.name}`}>
          <header>
            <h3>
              <input
                class="rename"
                type="text"
                name="component-name"
                aria-label="component name"
                value={current.name}
                onChange={(e) => {
                  const input = e.target as HTMLInputElement;
                  const why = renameComponent(current.section, current.name, input.value.trim());
                  renameError.value = why;
                  if (why) input.value = current.name;
                }}
              />{" "}
              <span class="type-tag">{current.type.type}</span>
            </h3>
            <button
              type="button"
              data-action="clone"
              onClick={() => {
                const copy = cloneComponent(current.section, current.name);
                if (copy) selected.value = copy;
              }}
              title="add a copy of this component (what calls it is not changed)"
            >
              Clone
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => removeComponent(current.section, current.name)}
              title="remove this component (references to it become errors)"
            >
              Remove
            </button>
          </header>
          {renameError.value && (
            <p class="field-issues" role="alert">
              {renameError.value}
            </p>
          )}
          <OtherIssues path={[current.section, current.name]} shape={shapeOf(current.type.schema)} />
          <ObjectFields
            path={[current.section, current.name]}
            shape={shapeOf(current.type.schema)}
            value={current.spec}
            docs={optionDocs(current.type.options)}
            names={allowedConnections(validation.value.parsed, current, names).map((c) => c.to)}
          />
        </div>
      )}
    </div>
  );
}
