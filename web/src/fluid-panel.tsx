import { signal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import type { FluidAnalysis } from "../../src/fluid/analyse.js";
import { bifurcationChart, phasePortraitChart } from "../../src/report/fluid-charts.js";
import {
  bandSentence,
  chainSentence,
  EQUILIBRIUM_HEADER,
  equilibriumRows,
} from "../../src/report/fluid-summary.js";
import { ChartView } from "./chart-view.js";
import type { FluidRequest, FluidResponse } from "./fluid-protocol.js";
import { scenarioFile, scenarioText } from "./scenario-store.js";
import { ScrollTable } from "./scroll-table.js";

// The fluid model beside the simulation: the bistable band, the equilibria at a base load, the
// phase portrait and the bifurcation diagram, recomputed as the load slider is dragged or the
// scenario edited. The analysis runs in a worker, newest request first: while one is computing,
// only the latest of the requests made meanwhile is computed next.

interface Shown {
  analysis: FluidAnalysis | null;
  refusal: string | null;
  ms: number;
  /** The text and load it is of. */
  text: string;
  load: number | null;
}

const shown = signal<Shown | null>(null);
/** The base load chosen on the slider, for the file it was chosen in (another scenario starts at its own). */
const chosen = signal<{ file: string; load: number } | null>(null);
/** Slider range, set from the scenario's own analysis so it does not move while dragging. */
const sliderMax = signal<{ text: string; max: number } | null>(null);

let worker: Worker | null = null;
let nextId = 0;
let busy = false;
let queued: FluidRequest | null = null;
const asked = new Map<number, FluidRequest>();

function send(req: FluidRequest): void {
  worker ??= spawn();
  busy = true;
  asked.set(req.id, req);
  worker.postMessage(req);
}

function spawn(): Worker {
  const w = new Worker(new URL("./fluid-worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (e: MessageEvent<FluidResponse>) => {
    const m = e.data;
    const req = asked.get(m.id);
    asked.delete(m.id);
    busy = false;
    if (req) {
      shown.value = { analysis: m.analysis, refusal: m.refusal, ms: m.ms, text: req.text, load: req.load };
      if (req.load === null && m.analysis && sliderMax.value?.text !== req.text)
        sliderMax.value = { text: req.text, max: niceMax(m.analysis.bifurcation.loadMax) };
    }
    if (queued) {
      const q = queued;
      queued = null;
      send(q);
    }
  };
  return w;
}

/** Asks for the analysis of `text` at `load`; while one is computing, only the newest waits. */
function request(text: string, file: string, load: number | null): void {
  const req = { id: ++nextId, text, file, load };
  if (busy) queued = req;
  else send(req);
}

function niceMax(x: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(x, 1e-9)));
  return Math.ceil(x / p) * p;
}

const num = (x: number | null) => (x === null ? "–" : String(Number(x.toPrecision(3))));

function LoadSlider({
  a,
  text,
  file,
  load,
}: {
  a: FluidAnalysis;
  text: string;
  file: string;
  load: number | null;
}) {
  const max = sliderMax.value?.text === text ? sliderMax.value.max : null;
  if (max === null) return null;
  const value = load ?? a.load;
  const set = (x: number) => {
    if (Number.isFinite(x) && x >= 0) chosen.value = { file, load: x };
  };
  return (
    <div class="fluid-load">
      <label for="fluid-load">base load (req/s)</label>
      <input
        id="fluid-load"
        type="range"
        min={0}
        max={max}
        step={max / 400}
        value={value}
        data-fluid-slider
        onInput={(e) => set(Number((e.target as HTMLInputElement).value))}
      />
      <input
        type="number"
        aria-label="base load in requests per second"
        min={0}
        step="any"
        value={num(value)}
        onChange={(e) => set(Number((e.target as HTMLInputElement).value))}
      />
      <button type="button" disabled={load === null} onClick={() => (chosen.value = null)}>
        Scenario's load
      </button>
    </div>
  );
}

/** The fluid tab of the results side. */
export function FluidPanel() {
  const text = scenarioText.value;
  const file = scenarioFile.value;
  const load = chosen.value?.file === file ? chosen.value.load : null;
  useEffect(() => {
    if (text === "") return;
    // A new scenario text starts from its own load, and sets the slider's range from it first.
    if (sliderMax.value?.text !== text) request(text, file, null);
    if (load !== null) request(text, file, load);
  }, [text, file, load]);
  const s = shown.value;
  const a = s?.analysis ?? null;
  const charts = useMemo(() => (a ? [phasePortraitChart(a), bifurcationChart(a)] : []), [a]);
  const current = s !== null && s.text === text && s.load === load;
  return (
    <section
      class="fluid-panel"
      aria-busy={!current}
      data-fluid-state={s === null ? "computing" : s.refusal ? "refused" : current ? "current" : "computing"}
      data-fluid-load={a ? String(a.load) : ""}
      data-fluid-ms={s ? s.ms.toFixed(1) : ""}
    >
      <p class="hint">
        A mean-field model of the same scenario: where its stable states are, how wide the band of loads is in
        which a trigger can leave it stuck, and how big a push tips it. Drag the load to see the band and the
        portrait move; edits to the scenario redraw it too.
      </p>
      {s?.refusal && s.text === text && (
        <p class="notice fluid-refusal" role="status" data-fluid-refusal>
          The fluid model does not cover this scenario: {s.refusal}
        </p>
      )}
      {s === null && <p class="hint">Computing…</p>}
      {a && s && s.text === text && (
        <>
          <LoadSlider a={a} text={text} file={file} load={load} />
          <p class="fluid-model">
            <ModelLine a={a} /> · computed in {num(s.ms)} ms
          </p>
          <p class="fluid-band" data-fluid-band={`${num(a.bistable.low)}-${num(a.bistable.high)}`}>
            <b>Bistable band:</b> {bandSentence(a)}.
          </p>
          <ScrollTable label={`equilibria at ${num(a.load)} req/s`}>
            <table class="phases">
              <caption>Equilibria at {num(a.load)} req/s</caption>
              <thead>
                <tr>
                  {EQUILIBRIUM_HEADER.map((h, i) => (
                    <th key={h} class={i > 0 ? "num" : ""}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {equilibriumRows(a.equilibria).map((r, i) => (
                  <tr key={i}>
                    {r.map((c, j) => (
                      <td key={j} class={j > 0 ? "num" : ""}>
                        {c}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
          <p>
            <b>Tipping disturbance:</b> {a.tippingDisturbance.note}
          </p>
          <p>
            <b>Recovery:</b> {a.recovery.note}
          </p>
          <div class="charts">
            {charts.map((c) => (
              <ChartView key={c.id} spec={c} height={340} />
            ))}
          </div>
          {(a.model.approximations.length > 0 || a.model.notModelled.length > 0) && (
            <ul class="fluid-assumptions">
              <li>timeout probability: {a.model.approximation}</li>
              {a.model.approximations.map((x) => (
                <li key={x}>assumed: {x}</li>
              ))}
              {a.model.notModelled.map((x) => (
                <li key={x}>not modelled: {x}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** What the fluid model covers: a client and a server, or a chain of callers down to one queue. */
function ModelLine({ a }: { a: FluidAnalysis }) {
  const chain = chainSentence(a);
  const queue = `${a.model.queue}, capacity ${num(a.model.capacity)} req/s`;
  if (chain)
    return (
      <>
        A chain of callers: {chain.path}, queueing at <b>{a.model.server}</b> ({queue}); {chain.multiply}
      </>
    );
  return (
    <>
      Client <b>{a.model.client}</b> → server <b>{a.model.server}</b> ({queue})
    </>
  );
}
