import { effect, signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { AnalysisView, resetAnalyses } from "./analysis-view.js";
import { type CatalogScenario, CatalogView, catalog, loadCatalog } from "./catalog-view.js";
import { ComponentsView } from "./components-view.js";
import { FluidPanel } from "./fluid-panel.js";
import { liveState } from "./live-state.js";
import { RunController } from "./run-controller.js";
import { RunPanel } from "./run-panel.js";
import { loadSavedResults, loadSavedWork, type SavedWork, saveResults, saveWork } from "./saved-work.js";
import {
  historyDepth,
  loadScenario,
  redo,
  scenarioData,
  scenarioFile,
  scenarioText,
  selected,
  undo,
} from "./scenario-store.js";
import { decodeScenario, encodeScenario } from "./share.js";
import { TimelineView } from "./timeline-view.js";
import { TopologyView } from "./topology-view.js";
import { IssueList, YamlView } from "./yaml-view.js";

type LeftTab = "catalog" | "topology" | "timeline" | "yaml";
type RightTab = "run" | "analysis" | "fluid";
const LEFT_TABS: LeftTab[] = ["catalog", "topology", "timeline", "yaml"];
const RIGHT_TABS: RightTab[] = ["run", "analysis", "fluid"];
const left = signal<LeftTab>("catalog");
const right = signal<RightTab>("run");
/** The catalog example the open scenario came from (null: new, imported or shared). */
const example = signal<string | null>(null);
const shareUrl = signal<string | null>(null);
const notice = signal<string | null>(null);
const runs = new RunController();

// What the editor holds for "New scenario", and when neither a shared URL, saved work nor the
// catalog gave it anything: one client calling one server at about 60% of its capacity.
const STARTER = `name: my-service
seed: 1
duration: 60
drain: 10
sources:
  users: { target: api, arrivals: poisson, profile: { kind: constant, rate: 50 } }
clients:
  api:
    target: backend
    timeout: 0.2
    maxAttempts: 3
servers:
  backend: { concurrency: 8, serviceTime: { kind: lognormal, mean: 0.1, stddev: 0.05 } }
`;

const exampleId = (s: CatalogScenario) => s.file.replace(/\.(ya?ml|json)$/, "");

// ---- Navigation: the URL says which example and which views are open; each move is a history entry.

/** The URL for the current state: `?example=id&view=tab&panel=tab`, plus the shared fragment while sharing. */
function currentUrl(hash = location.hash.startsWith("#s=") ? location.hash : ""): string {
  const q = new URLSearchParams();
  if (example.value) q.set("example", example.value);
  q.set("view", left.value);
  q.set("panel", right.value);
  return `${location.pathname}?${q}${hash}`;
}

/** Records the current state as a new history entry (back returns to the one before). */
function pushHistory(hash?: string): void {
  history.pushState(null, "", currentUrl(hash));
}

function readTabs(q: URLSearchParams): void {
  const view = q.get("view") as LeftTab | null;
  const panel = q.get("panel") as RightTab | null;
  if (view && LEFT_TABS.includes(view)) left.value = view;
  if (panel && RIGHT_TABS.includes(panel)) right.value = panel;
}

/** Another scenario replaces the open one: the old one's results go (they would mislead). */
function replaceScenario(text: string, file: string, from: string | null): void {
  loadScenario(text, file);
  example.value = from;
  selected.value = null;
  shareUrl.value = null;
  runs.reset();
  resetAnalyses();
}

/** Moves focus to a view's tab after the view changed under the pointer (the clicked item is gone). */
function focusTab(tab: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-tab="${tab}"]`)?.focus());
}

function open(s: CatalogScenario): void {
  replaceScenario(s.text, s.file, exampleId(s));
  left.value = "topology";
  pushHistory("");
  focusTab("topology");
}

function newScenario(): void {
  replaceScenario(STARTER, "my-service.yaml", null);
  left.value = "topology";
  pushHistory("");
  notice.value = "A new scenario: one client calling one server. Add components on the canvas.";
}

async function share(): Promise<void> {
  const hash = await encodeScenario(scenarioText.value);
  history.replaceState(null, "", currentUrl(hash));
  shareUrl.value = location.href;
  try {
    await navigator.clipboard.writeText(location.href);
    notice.value = "Link copied to the clipboard. It follows your edits until you open another scenario.";
  } catch {
    notice.value = "Copy the link below. It follows your edits until you open another scenario.";
  }
}

function exportYaml(): void {
  const name = typeof scenarioData.value?.name === "string" ? scenarioData.value.name : "scenario";
  const file = /\.(ya?ml|json)$/.test(scenarioFile.value) ? scenarioFile.value : `${name}.yaml`;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([scenarioText.value], { type: "application/yaml" }));
  a.download = file.split("/").pop()!;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function importYaml(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) return;
  if (file.size > 4 * 1024 * 1024) {
    notice.value = `${file.name} is larger than 4 MiB; a scenario is a few kilobytes.`;
    return;
  }
  replaceScenario(await file.text(), file.name, null);
  input.value = "";
  left.value = "yaml";
  pushHistory("");
}

async function fromHash(): Promise<boolean> {
  if (!location.hash.startsWith("#s=")) return false;
  const text = await decodeScenario(location.hash);
  if (text === null) {
    notice.value = "The shared link is damaged: it does not decode to a scenario.";
    return false;
  }
  // The same text (our own edits written back into the link): nothing to load.
  if (text === scenarioText.value) return true;
  replaceScenario(text, "shared.yaml", null);
  if (!new URLSearchParams(location.search).has("view")) left.value = "topology";
  return true;
}

/** Opens `?example=id` (or the saved edits of it); false when the catalog has no such example. */
function fromExample(id: string, saved: SavedWork | null): boolean {
  if (saved?.example === id) {
    replaceScenario(saved.text, saved.file, id);
    return true;
  }
  const s = catalog.value?.find((c) => exampleId(c) === id);
  if (!s) {
    notice.value = `No catalog example is called "${id}".`;
    return false;
  }
  replaceScenario(s.text, s.file, id);
  return true;
}

async function startUp(): Promise<void> {
  const q = new URLSearchParams(location.search);
  readTabs(q);
  const shared = await fromHash();
  await loadCatalog();
  if (shared) return;
  const saved = loadSavedWork();
  const id = q.get("example");
  if (id && fromExample(id, saved)) {
    if (!q.has("view")) left.value = "topology";
  } else if (saved) {
    replaceScenario(saved.text, saved.file, saved.example);
    if (!q.has("view")) left.value = "topology";
  } else {
    const first = catalog.value?.find((s) => s.file === "retry-storm.yaml") ?? catalog.value?.[0];
    if (first) replaceScenario(first.text, first.file, exampleId(first));
    else replaceScenario(STARTER, "my-service.yaml", null);
    if (!q.has("view")) left.value = "catalog";
  }
  history.replaceState(null, "", currentUrl());
  restoreResults();
}

/**
 * Shows the last finished run again after a reload, when it was a run of the scenario now open (this
 * version or an earlier one of the same file); the run panel marks it stale if the text differs.
 */
function restoreResults(): void {
  const r = loadSavedResults();
  if (r && (r.text === scenarioText.value || r.file === scenarioFile.value)) runs.restore(r);
}

// A finished run is kept for the next visit, in a task of its own (writing it takes a few ms).
effect(() => {
  if (runs.view.value.phase !== "done") return;
  const kept = runs.finished();
  if (kept) setTimeout(() => saveResults(kept), 0);
});

/** Back and forward: the views of that entry, and its example when it is another one. */
function onPopState(): void {
  const q = new URLSearchParams(location.search);
  readTabs(q);
  const id = q.get("example");
  if (location.hash.startsWith("#s=")) void fromHash();
  else if (id && id !== example.value) fromExample(id, null);
}

// Edits are saved as they happen (a moment after the last keystroke), and a shared link follows them.
let saveTimer: ReturnType<typeof setTimeout> | null = null;
effect(() => {
  const work = { text: scenarioText.value, file: scenarioFile.value, example: example.value };
  if (work.text === "") return;
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    saveWork(work);
    if (location.hash.startsWith("#s="))
      void encodeScenario(work.text).then((hash) => {
        history.replaceState(null, "", currentUrl(hash));
        if (shareUrl.value) shareUrl.value = location.href;
      });
  }, 400);
});

/** Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) outside text fields, which keep their own undo. */
function onKey(e: KeyboardEvent): void {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
  const t = e.target as HTMLElement;
  if (t.closest("input, textarea, select, [contenteditable=true], .cm-editor")) return;
  const k = e.key.toLowerCase();
  if (k === "z" && !e.shiftKey) {
    if (undo()) e.preventDefault();
  } else if ((k === "z" && e.shiftKey) || k === "y") {
    if (redo()) e.preventDefault();
  }
}

/** Each component's state in the run on screen, while it is of the scenario open (null: no run to show). */
function liveNodes() {
  const v = runs.view.value;
  const ran = runs.ran.value;
  if (!v.output || !ran || ran.text !== scenarioText.value) return null;
  return liveState(v.output);
}

/** Metastability in plain words, and how to use the page. */
function About() {
  return (
    <details class="about" data-about>
      <summary>About</summary>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: on a phone the panel scrolls, so it must be reachable by keyboard (WCAG 2.1.1) */}
      <div class="about-text" role="document" tabIndex={0}>
        <h2>What is a metastable failure?</h2>
        <p>
          A system can be healthy under a load and still get stuck under that same load after something pushes
          it: a traffic spike, a cache flush, a pause. The push ends, but a feedback loop keeps the bad state
          going. Requests time out, clients retry, retries add load, the extra load causes more timeouts. The
          servers stay busy while almost nothing useful gets through.
        </p>
        <p>
          This page lets you build such a system, push it with a trigger and watch whether it comes back. The
          verdict says which happened: <b>stable</b> (never degraded), <b>recovered</b>, <b>metastable</b>{" "}
          (stuck after the trigger ended) or <b>unstable</b> (degraded with no trigger at all).
        </p>
        <h2>How to use it</h2>
        <p>
          Open a scenario from the Catalog, or start a New scenario. Edit it on the Topology canvas (drag from
          a component's right-hand port to connect it), on the Timeline (triggers and interventions) or as
          YAML. Press Run and watch the charts; Analysis compares variants, finds the load that tips the
          system over and maps where it gets stuck. Every edit can be undone; your work is kept in this
          browser, and Share link puts it in the address.
        </p>
      </div>
    </details>
  );
}

function Header() {
  const name = scenarioData.value?.name;
  const depth = historyDepth.value;
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <header class="top">
      <h1>Metastable</h1>
      <span class="scenario-name" data-scenario-name={typeof name === "string" ? name : ""}>
        {typeof name === "string" ? name : "(unnamed)"}
      </span>
      <span class="spacer" />
      <div class="actions">
        <button
          type="button"
          data-action="undo"
          disabled={depth.undo === 0}
          onClick={() => undo()}
          title="undo the last edit (Ctrl+Z)"
        >
          Undo
        </button>
        <button
          type="button"
          data-action="redo"
          disabled={depth.redo === 0}
          onClick={() => redo()}
          title="redo (Ctrl+Shift+Z)"
        >
          Redo
        </button>
        <About />
        <button type="button" data-action="new" onClick={newScenario}>
          New scenario
        </button>
        <button type="button" data-action="share" onClick={() => void share()}>
          Share link
        </button>
        <button type="button" data-action="import" onClick={() => fileInput.current?.click()}>
          Import YAML
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json"
          hidden
          aria-label="scenario file to import"
          onChange={(e) => void importYaml(e.target as HTMLInputElement)}
        />
        <button type="button" data-action="export" onClick={exportYaml}>
          Export YAML
        </button>
      </div>
    </header>
  );
}

function Tabs<T extends string>({
  tabs,
  current,
  label,
}: {
  tabs: [T, string][];
  current: { value: T };
  label: string;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map(([id, text]) => (
        <button
          type="button"
          role="tab"
          key={id}
          id={`tab-${id}`}
          data-tab={id}
          aria-selected={current.value === id}
          aria-controls={`panel-${label}`}
          onClick={() => {
            if (current.value === id) return;
            current.value = id;
            pushHistory();
          }}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

/** The dashboard: editor on the left (catalog, topology, timeline, YAML), run and analysis on the right. */
export function App() {
  useEffect(() => {
    void startUp();
    window.addEventListener("popstate", onPopState);
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("popstate", onPopState);
      window.removeEventListener("keydown", onKey);
    };
  }, []);
  return (
    <div class="app">
      <Header />
      {(notice.value || shareUrl.value) && (
        <div class="notice" role="status">
          {notice.value}
          {shareUrl.value && (
            <input class="share-url" readOnly value={shareUrl.value} aria-label="shared link" />
          )}
          <button
            type="button"
            onClick={() => {
              notice.value = null;
              shareUrl.value = null;
            }}
          >
            Dismiss
          </button>
        </div>
      )}
      {/* The canvas gets a wider editor column than the forms need. */}
      <main class={left.value === "topology" ? "wide-editor" : undefined}>
        <section class="left">
          <Tabs
            tabs={[
              ["catalog", "Catalog"],
              ["topology", "Topology"],
              ["timeline", "Timeline"],
              ["yaml", "YAML"],
            ]}
            current={left}
            label="editor"
          />
          <div role="tabpanel" id="panel-editor" aria-labelledby={`tab-${left.value}`}>
            {left.value !== "yaml" && left.value !== "catalog" && <IssueList />}
            {left.value === "catalog" && <CatalogView onOpen={open} />}
            {left.value === "topology" && (
              <>
                <TopologyView live={liveNodes()} />
                <ComponentsView />
              </>
            )}
            {left.value === "timeline" && <TimelineView />}
            {left.value === "yaml" && <YamlView />}
          </div>
        </section>
        <section class="right">
          <Tabs
            tabs={[
              ["run", "Run"],
              ["analysis", "Analysis"],
              ["fluid", "Fluid model"],
            ]}
            current={right}
            label="results"
          />
          <div role="tabpanel" id="panel-results" aria-labelledby={`tab-${right.value}`}>
            {right.value === "run" && <RunPanel runs={runs} />}
            {right.value === "analysis" && <AnalysisView />}
            {right.value === "fluid" && <FluidPanel />}
          </div>
        </section>
      </main>
    </div>
  );
}
