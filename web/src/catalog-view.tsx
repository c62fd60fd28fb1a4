import audited from "virtual:catalog-verdicts";
import { signal } from "@preact/signals";
import { verdictCell } from "../../src/analysis/catalog-audit.js";
import { systemOf } from "../../src/files/catalog-systems.js";

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

const query = signal("");

/**
 * The verdict the catalog audit found on seeds 1-10 ("metastable", or "8 recovered, 2 metastable"
 * when it varies), and why it varies; null for a file the audit has not seen.
 */
export function expectedVerdict(file: string): { text: string; kind: string; note: string | null } | null {
  const a = audited[file];
  if (!a || a.seeds.length === 0) return null;
  // The audit document's own wording (verdictCell), so badge and table read the same.
  const text = verdictCell(a.seeds);
  const kind = new Set(a.seeds).size === 1 ? a.seeds[0]! : "varies";
  return { text, kind, note: a.note };
}

function matches(s: CatalogScenario, q: string): boolean {
  if (q === "") return true;
  const hay = [s.name, s.description, expectedVerdict(s.file)?.text ?? "", ...s.triggers, ...s.interventions]
    .join(" ")
    .toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

/** The audit's verdict for a catalog file as a badge; its title says on how many seeds, and why it varies. */
function VerdictBadge({ file }: { file: string }) {
  const v = expectedVerdict(file);
  if (!v) return null;
  const n = audited[file]!.seeds.length;
  return (
    <span
      class={`verdict-badge badge-${v.kind}`}
      data-expected-verdict={v.text}
      title={`expected verdict, from the catalog audit on seeds 1-${n}${v.note ? `: ${v.note}` : ""}`}
    >
      <span class="sr-only">expected verdict: </span>
      {v.text}
    </span>
  );
}

function Entry({
  s,
  variant,
  onOpen,
}: {
  s: CatalogScenario;
  variant: boolean;
  onOpen: (s: CatalogScenario) => void;
}) {
  return (
    <li>
      <button type="button" data-scenario={s.name} class={variant ? "variant" : ""} onClick={() => onOpen(s)}>
        <span class="entry-head">
          <b>{s.name}</b>
          <VerdictBadge file={s.file} />
        </span>
        <span class="file">{s.file}</span>
        <span class="desc">{s.description}</span>
        {s.triggers.length > 0 && <span class="tags">triggers: {s.triggers.join("; ")}</span>}
        {s.interventions.length > 0 && <span class="tags">interventions: {s.interventions.join("; ")}</span>}
      </button>
    </li>
  );
}

/** Every scenario in scenarios/, grouped by the system it shows (the system, then its variants), searchable. */
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
  const all = catalog.value;
  const names = all.map((s) => s.name);
  const shown = all.filter((s) => matches(s, query.value.trim()));
  const systems = new Map<string, CatalogScenario[]>();
  for (const s of shown) {
    const sys = systemOf(s.name, names);
    systems.set(sys, [...(systems.get(sys) ?? []), s]);
  }
  return (
    <div class="catalog-view">
      <input
        type="search"
        class="catalog-search"
        aria-label="search the catalog"
        placeholder="Search: retry, cache, autoscaling…"
        value={query.value}
        onInput={(e) => {
          query.value = (e.target as HTMLInputElement).value;
        }}
      />
      <p class="hint" role="status">
        {shown.length} of {all.length} scenarios, {systems.size} systems
      </p>
      <div class="catalog">
        {[...systems].map(([sys, list]) => (
          <section key={sys} class="system" data-system={sys} aria-label={`system ${sys}`}>
            <h3 class="system-name">{sys}</h3>
            <ul>
              {list
                .sort((a, b) => (a.name === sys ? -1 : b.name === sys ? 1 : a.name.localeCompare(b.name)))
                .map((s) => (
                  <Entry key={s.file} s={s} variant={s.name !== sys} onOpen={onOpen} />
                ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
