import { signal } from "@preact/signals";

/** A catalog scenario as /api/scenarios lists it. */
export interface CatalogScenario {
  file: string;
  name: string;
  description: string;
  triggers: string[];
  interventions: string[];
  text: string;
}

export const catalog = signal<CatalogScenario[] | null>(null);
export const catalogError = signal<string | null>(null);

/** Fetches the catalog from the server; failure leaves the rest of the page usable. */
export async function loadCatalog(): Promise<void> {
  catalogError.value = null;
  try {
    const res = await fetch("./api/scenarios");
    if (!res.ok) throw new Error(`the server answered ${res.status}`);
    catalog.value = (await res.json()) as CatalogScenario[];
  } catch (e) {
    catalogError.value = `Cannot load the catalog: ${(e as Error).message}. The editor and runs still work offline.`;
  }
}

/** Every scenario in scenarios/, one click to open. */
export function CatalogView({ onOpen }: { onOpen: (s: CatalogScenario) => void }) {
  if (catalogError.value)
    return (
      <div class="notice" role="alert">
        {catalogError.value}{" "}
        <button type="button" onClick={() => void loadCatalog()}>
          Retry
        </button>
      </div>
    );
  if (!catalog.value) return <p class="hint">Loading the catalog…</p>;
  return (
    <ul class="catalog">
      {catalog.value.map((s) => (
        <li key={s.file}>
          <button type="button" data-scenario={s.name} onClick={() => onOpen(s)}>
            <b>{s.name}</b>
            <span class="file">{s.file}</span>
            <span class="desc">{s.description}</span>
            {s.triggers.length > 0 && <span class="tags">triggers: {s.triggers.join("; ")}</span>}
            {s.interventions.length > 0 && (
              <span class="tags">interventions: {s.interventions.join("; ")}</span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
