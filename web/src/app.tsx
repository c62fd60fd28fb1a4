import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { AnalysisView } from "./analysis-view.js";
import { type CatalogScenario, CatalogView, catalog, loadCatalog } from "./catalog-view.js";
import { ComponentsView } from "./components-view.js";
import { RunController } from "./run-controller.js";
import { RunPanel } from "./run-panel.js";
import { loadScenario, scenarioData, scenarioFile, scenarioText, selected } from "./scenario-store.js";
import { decodeScenario, encodeScenario } from "./share.js";
import { TimelineView } from "./timeline-view.js";
import { TopologyView } from "./topology-view.js";
import { IssueList, YamlView } from "./yaml-view.js";

type LeftTab = "catalog" | "topology" | "timeline" | "yaml";
type RightTab = "run" | "analysis";
const left = signal<LeftTab>("catalog");
const right = signal<RightTab>("run");
const shareUrl = signal<string | null>(null);
const notice = signal<string | null>(null);
const runs = new RunController();

// What the editor holds when neither a shared URL nor the catalog gave it anything.
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

function open(s: CatalogScenario): void {
  loadScenario(s.text, s.file);
  selected.value = null;
  shareUrl.value = null;
  history.replaceState(null, "", location.pathname);
  left.value = "topology";
}

async function share(): Promise<void> {
  const hash = await encodeScenario(scenarioText.value);
  history.replaceState(null, "", hash);
  shareUrl.value = location.href;
  try {
    await navigator.clipboard.writeText(location.href);
    notice.value = "Link copied to the clipboard.";
  } catch {
    notice.value = "Copy the link below.";
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
  loadScenario(await file.text(), file.name);
  input.value = "";
  left.value = "yaml";
}

async function fromHash(): Promise<boolean> {
  if (!location.hash.startsWith("#s=")) return false;
  const text = await decodeScenario(location.hash);
  if (text === null) {
    notice.value = "The shared link is damaged: it does not decode to a scenario.";
    return false;
  }
  loadScenario(text, "shared.yaml");
  left.value = "topology";
  return true;
}

function Header() {
  const name = scenarioData.value?.name;
  return (
    <header class="top">
      <h1>Metastable</h1>
      <span class="scenario-name" data-scenario-name={typeof name === "string" ? name : ""}>
        {typeof name === "string" ? name : "(unnamed)"}
      </span>
      <span class="spacer" />
      <button type="button" data-action="share" onClick={() => void share()}>
        Share link
      </button>
      <label class="button">
        Import YAML
        <input
          type="file"
          accept=".yaml,.yml,.json"
          hidden
          onChange={(e) => void importYaml(e.target as HTMLInputElement)}
        />
      </label>
      <button type="button" data-action="export" onClick={exportYaml}>
        Export YAML
      </button>
    </header>
  );
}

function Tabs<T extends string>({ tabs, current }: { tabs: [T, string][]; current: { value: T } }) {
  return (
    <div class="tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button
          type="button"
          role="tab"
          key={id}
          data-tab={id}
          aria-selected={current.value === id}
          onClick={() => {
            current.value = id;
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** The dashboard: editor on the left (catalog, topology, timeline, YAML), run and analysis on the right. */
export function App() {
  useEffect(() => {
    void (async () => {
      const shared = await fromHash();
      await loadCatalog();
      if (!shared && scenarioText.value === "") {
        const first = catalog.value?.find((s) => s.file === "retry-storm.yaml") ?? catalog.value?.[0];
        if (first) loadScenario(first.text, first.file);
        else loadScenario(STARTER, "my-service.yaml");
        left.value = "catalog";
      }
    })();
    const onHash = () => void fromHash();
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
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
      <main>
        <section class="left">
          <Tabs
            tabs={[
              ["catalog", "Catalog"],
              ["topology", "Topology"],
              ["timeline", "Timeline"],
              ["yaml", "YAML"],
            ]}
            current={left}
          />
          {left.value !== "yaml" && left.value !== "catalog" && <IssueList />}
          {left.value === "catalog" && <CatalogView onOpen={open} />}
          {left.value === "topology" && (
            <>
              <TopologyView />
              <ComponentsView />
            </>
          )}
          {left.value === "timeline" && <TimelineView />}
          {left.value === "yaml" && <YamlView />}
        </section>
        <section class="right">
          <Tabs
            tabs={[
              ["run", "Run"],
              ["analysis", "Analysis"],
            ]}
            current={right}
          />
          {right.value === "run" ? <RunPanel runs={runs} /> : <AnalysisView />}
        </section>
      </main>
    </div>
  );
}
