import { type Signal, signal } from "@preact/signals";
import type { BatchRunner } from "../../src/analysis/batch.js";
import { compareVariants } from "../../src/analysis/compare.js";
import type { MapResult } from "../../src/analysis/map-result.js";
import type { Estimate } from "../../src/analysis/statistics.js";
import { findThresholds, type Threshold, type ThresholdResult } from "../../src/analysis/threshold.js";
import { replicationSeeds } from "../../src/analysis/trial.js";
import { chartOptions } from "../../src/report/charts.js";
import { mapHeatmap } from "../../src/report/heatmap.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { catalog } from "./catalog-view.js";
import { ChartView } from "./chart-view.js";
import { ANALYSIS_FIELD, drafts, scenarioDrafts } from "./drafts.js";
import { defaultRange, type MapParam, mapParams } from "./map-params.js";
import { type MapRequest, mapInBrowser, mapOnServer } from "./map-runner.js";
import { NumberInput } from "./number-input.js";
import { scenarioData, scenarioFile, scenarioText, validation } from "./scenario-store.js";
import { ScrollTable } from "./scroll-table.js";
import { poolSize, runOnPool, WorkerPool } from "./trial-pool.js";

/** One analysis in the page: its progress, and a way to stop it. */
interface Job<T> {
  status: "idle" | "running" | "done" | "failed" | "cancelled";
  done: number;
  total: number | null;
  result: T | null;
  error: string | null;
  where?: string;
  /** The scenario text it was started on, to tell when the result is out of date. */
  text?: string;
}

const idle = <T,>(): Job<T> => ({ status: "idle", done: 0, total: null, result: null, error: null });

/** Runs `work` with progress and cancel wired to `job`. */
function start<T>(
  job: Signal<Job<T>>,
  controllers: Map<Signal<Job<unknown>>, AbortController>,
  work: (signal: AbortSignal, progress: (done: number, total: number | null) => void) => Promise<T>,
  where?: string,
): void {
  controllers.get(job as Signal<Job<unknown>>)?.abort();
  const ac = new AbortController();
  controllers.set(job as Signal<Job<unknown>>, ac);
  job.value = { ...idle<T>(), status: "running", text: scenarioText.value, ...(where && { where }) };
  work(ac.signal, (done, total) => {
    if (!ac.signal.aborted) job.value = { ...job.value, done, total };
  })
    .then((result) => {
      if (!ac.signal.aborted) job.value = { ...job.value, status: "done", result };
    })
    .catch((e: Error) => {
      job.value = ac.signal.aborted
        ? { ...job.value, status: "cancelled" }
        : { ...job.value, status: "failed", error: e.message };
    });
}

const controllers = new Map<Signal<Job<unknown>>, AbortController>();
const fmt = (x: number | null, digits = 3) =>
  x !== null && Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : "–";
const est = (e: Estimate | null, scale = 1) =>
  e === null || !Number.isFinite(e.mean)
    ? "–"
    : e.n > 1
      ? `${fmt(e.mean * scale)} [${fmt(e.low * scale)}, ${fmt(e.high * scale)}]`
      : fmt(e.mean * scale);

function Progress<T>({ job, label }: { job: Signal<Job<T>>; label: string }) {
  const j = job.value;
  if (j.status === "idle") return null;
  return (
    <div class="job" data-status={j.status} data-job={label}>
      {j.status === "running" && (
        <>
          <progress max={j.total ?? undefined} value={j.total ? j.done : undefined} />{" "}
          <span>
            {j.done}
            {j.total ? ` / ${j.total}` : ""} runs{j.where ? ` (${j.where})` : ""}
          </span>{" "}
          <button
            type="button"
            data-action={`cancel-${label}`}
            onClick={() => controllers.get(job as Signal<Job<unknown>>)?.abort()}
          >
            Cancel
          </button>
        </>
      )}
      {j.status === "cancelled" && <span>Cancelled.</span>}
      {j.status === "failed" && (
        <pre class="field-issues" role="alert">
          {j.error}
        </pre>
      )}
    </div>
  );
}

/** Whole numbers from `min` to `max`. */
const wholeIn = (min: number, max: number) => (v: number) =>
  Number.isInteger(v) && v >= min && v <= max
    ? null
    : `expected a whole number from ${min} to ${max}, got ${v}`;
const REPLICATIONS = wholeIn(1, 1000);

/** A number field of an analysis; what it refuses is shown next to it and blocks the analysis. */
function numberField(
  section: string,
  name: string,
  value: number,
  set: (v: number) => void,
  check?: (v: number) => string | null,
) {
  const id = `${ANALYSIS_FIELD}${section}.${name}`;
  return (
    <label class="number-field" htmlFor={id}>
      {name}{" "}
      <NumberInput
        id={id}
        name={name}
        value={value}
        optional={false}
        {...(check && { check })}
        onCommit={(v) => set(v!)}
      />
    </label>
  );
}

/** Whether a field of `section` holds something it refuses. */
const hasDrafts = (section: string) =>
  [...drafts.value.keys()].some((k) => k.startsWith(`${ANALYSIS_FIELD}${section}.`));

/** Says when a result was computed on an earlier version of the scenario. */
function Stale<T>({ job }: { job: Signal<Job<T>> }) {
  const j = job.value;
  if (j.status === "idle" || j.text === undefined || j.text === scenarioText.value) return null;
  return (
    <p class="stale-note" role="status" data-stale>
      Computed on an earlier version of the scenario (it was edited since). Run it again for the current one.
    </p>
  );
}

/** Stops every analysis and forgets its results (another scenario is open). */
export function resetAnalyses(): void {
  for (const c of controllers.values()) c.abort();
  controllers.clear();
  compareJob.value = idle();
  thresholdJob.value = idle();
  mapJob.value = idle();
  mapRequest.value = null;
  variantFile.value = "";
}

// ---- Compare with a variant -------------------------------------------------------------------

interface Comparison {
  names: [string, string];
  outputs: [RunOutput, RunOutput];
  table: ReturnType<typeof compareVariants>;
}
const compareJob = signal<Job<Comparison>>(idle());
const variantFile = signal<string>("");
const compareReps = signal(3);

function defaultVariant(): string {
  const name = scenarioData.value?.name;
  const list = catalog.value ?? [];
  return (
    list.find((s) => typeof name === "string" && s.name.startsWith(`${name}-`))?.file ??
    list.find((s) => s.name !== name)?.file ??
    ""
  );
}

function runComparison(): void {
  const variant = catalog.value?.find((s) => s.file === (variantFile.value || defaultVariant()));
  if (!variant) return;
  const baseText = scenarioText.value;
  const baseFile = scenarioFile.value;
  start(compareJob, controllers, async (signal, progress) => {
    const base = parseScenarioText(baseText, baseFile);
    const other = parseScenarioText(variant.text, variant.file);
    // Common random numbers: both use the baseline's seeds, as `metastable compare` does.
    const seeds = replicationSeeds(
      typeof base.spec.seed === "number" ? base.spec.seed : 1,
      compareReps.value,
    );
    const total = seeds.length * 2;
    let done = 0;
    const tick = () => progress(++done, total);
    const batch = (spec: typeof base.spec) => seeds.map((seed, i) => ({ spec, seed, full: i === 0 }));
    const a = await runOnPool(baseText, baseFile, batch(base.spec), { signal, onResult: tick });
    const b = await runOnPool(variant.text, variant.file, batch(other.spec), { signal, onResult: tick });
    const names: [string, string] = [base.spec.name, other.spec.name];
    return {
      names,
      outputs: [a[0]!.output!, b[0]!.output!],
      table: compareVariants([
        { name: names[0], trials: a.map((r) => r.result) },
        { name: names[1], trials: b.map((r) => r.result) },
      ]),
    };
  });
}

function CompareSection({ disabled }: { disabled: boolean }) {
  const j = compareJob.value;
  const r = j.result;
  return (
    <section class="analysis" data-analysis="compare">
      <h3>Compare with a variant</h3>
      <div class="row">
        <select
          name="variant"
          aria-label="variant"
          value={variantFile.value || defaultVariant()}
          onChange={(e) => {
            variantFile.value = (e.target as HTMLSelectElement).value;
          }}
        >
          {(catalog.value ?? []).map((s) => (
            <option key={s.file} value={s.file}>
              {s.name}
            </option>
          ))}
        </select>
        {numberField(
          "compare",
          "replications",
          compareReps.value,
          (v) => (compareReps.value = v),
          REPLICATIONS,
        )}
        <button
          type="button"
          data-action="compare"
          disabled={disabled || !catalog.value || hasDrafts("compare")}
          onClick={runComparison}
        >
          Compare
        </button>
      </div>
      <Progress job={compareJob} label="compare" />
      <Stale job={compareJob} />
      {r && (
        <>
          <div class="side-by-side">
            {r.outputs.map((o, i) => {
              const v = (o.result as { verdict?: { kind: string; summary: string } }).verdict;
              const charts = chartOptions(o).filter((c) => c.id === "goodput" || c.id === "queue-depth");
              return (
                <div key={r.names[i]} data-side={i}>
                  <div class={`verdict verdict-${v?.kind}`} data-verdict={v?.kind}>
                    <b>{r.names[i]}</b>: {v?.summary}
                  </div>
                  {charts.map((c) => (
                    <ChartView key={c.id} spec={c} height={240} />
                  ))}
                </div>
              );
            })}
          </div>
          <ScrollTable label="comparison">
            <table class="phases">
              <thead>
                <tr>
                  <th>scenario</th>
                  <th class="num">P(stuck)</th>
                  <th class="num">goodput ratio after triggers</th>
                  <th class="num">time to recover (s)</th>
                </tr>
              </thead>
              <tbody>
                {r.table.variants.map((v) => (
                  <tr key={v.name}>
                    <td>{v.name}</td>
                    <td class="num">{est(v.pStuck)}</td>
                    <td class="num">{est(v.goodputRatio)}</td>
                    <td class="num">{est(v.timeToRecover)}</td>
                  </tr>
                ))}
                {r.table.differences.map((d) => (
                  <tr key={d.variant}>
                    <td>difference (paired)</td>
                    <td class="num">{est(d.pStuck)}</td>
                    <td class="num">{est(d.goodputRatio)}</td>
                    <td class="num">{est(d.timeToRecover)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        </>
      )}
    </section>
  );
}

// ---- Thresholds -------------------------------------------------------------------------------

const thresholdJob = signal<Job<ThresholdResult>>(idle());
const thresholdReps = signal(3);

function runThresholds(): void {
  const text = scenarioText.value;
  const file = scenarioFile.value;
  start(thresholdJob, controllers, async (signal, progress) => {
    const parsed = parseScenarioText(text, file);
    let done = 0;
    // The bisection asks for one small batch per load it tries; they share one pool.
    const pool = new WorkerPool(Math.min(poolSize(), thresholdReps.value));
    const runner: BatchRunner = async (trials) =>
      (await runOnPool(text, file, trials, { signal, pool, onResult: () => progress(++done, null) })).map(
        (r) => r.result,
      );
    try {
      return await findThresholds(parsed, runner, { replications: thresholdReps.value });
    } finally {
      pool.close();
    }
  });
}

function ThresholdRow({ name, t, base }: { name: string; t: Threshold | null; base: number }) {
  if (!t) return null;
  return (
    <tr>
      <td>{name}</td>
      <td class="num">{fmt(t.rate)} req/s</td>
      <td class="num">×{fmt(t.factor)}</td>
      <td class="num">
        [{fmt(t.low)}, {fmt(t.high)}]
      </td>
      <td>{t.note ?? `${t.points.length} loads tried around ${fmt(base)} req/s`}</td>
    </tr>
  );
}

function ThresholdSection({ disabled }: { disabled: boolean }) {
  const r = thresholdJob.value.result;
  return (
    <section class="analysis" data-analysis="thresholds">
      <h3>Thresholds</h3>
      <p class="hint">
        The load above which the trigger leaves the system stuck, and the load it must drop to to recover.
      </p>
      <div class="row">
        {numberField(
          "thresholds",
          "replications",
          thresholdReps.value,
          (v) => (thresholdReps.value = v),
          REPLICATIONS,
        )}
        <button
          type="button"
          data-action="thresholds"
          disabled={disabled || hasDrafts("thresholds")}
          onClick={runThresholds}
        >
          Find thresholds
        </button>
      </div>
      <Progress job={thresholdJob} label="thresholds" />
      <Stale job={thresholdJob} />
      {r && (
        <ScrollTable label="thresholds">
          <table class="phases" data-result="thresholds">
            <thead>
              <tr>
                <th>threshold</th>
                <th class="num">load</th>
                <th class="num">factor</th>
                <th class="num">95% interval (req/s)</th>
                <th>note</th>
              </tr>
            </thead>
            <tbody>
              <ThresholdRow name="tips over above" t={r.tip} base={r.baseRate} />
              <ThresholdRow name="recovers below" t={r.recover} base={r.baseRate} />
              {!r.recover && (
                <tr>
                  <td>recovers below</td>
                  <td colSpan={4}>not measured: {r.recoverNote ?? "never stuck in the searched range"}</td>
                </tr>
              )}
              <tr>
                <td>metastable window</td>
                <td class="num" colSpan={4}>
                  {r.metastableWindow === null ? "–" : `${fmt(r.metastableWindow)} req/s`}
                </td>
              </tr>
            </tbody>
          </table>
        </ScrollTable>
      )}
      {r && (
        <ScrollTable label="loads tried">
          <table class="phases" data-result="loads-tried">
            <caption>
              Loads tried ({r.replications} runs each, base load {fmt(r.baseRate)} req/s); the bisection
              narrows the bracket between the highest load that stayed healthy and the lowest that got stuck.
            </caption>
            <thead>
              <tr>
                <th>search</th>
                <th class="num">load (req/s)</th>
                <th class="num">factor</th>
                <th class="num">probability [95% interval]</th>
              </tr>
            </thead>
            <tbody>
              {[
                ...r.tip.points.map((p) => ({
                  p,
                  what: `still stuck ${fmt(r.recoverWithin)} s after the trigger`,
                })),
                ...(r.recover?.points ?? []).map((p) => ({
                  p,
                  what: `recovers within ${fmt(r.recoverWithin)} s once stuck`,
                })),
              ].map(({ p, what }, i) => (
                <tr key={`${what}-${i}`}>
                  <td>{what}</td>
                  <td class="num">{fmt(p.rate)}</td>
                  <td class="num">×{fmt(p.factor)}</td>
                  <td class="num">{est(p.probability, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </section>
  );
}

// ---- Phase map --------------------------------------------------------------------------------

const mapJob = signal<Job<MapResult>>(idle());
const mapRequest = signal<MapRequest | null>(null);
const mapWhere = signal<"auto" | "browser" | "server">("auto");
/** Above this many runs, `auto` asks the server. */
const BROWSER_RUNS = 80;

function defaultMap(): MapRequest {
  const clients = (scenarioData.value?.clients ?? {}) as Record<string, { timeout?: unknown }>;
  const client = Object.entries(clients).find(([, c]) => typeof c?.timeout === "number");
  const timeout = client ? (client[1].timeout as number) : 1;
  return {
    x: { param: "load", from: 0.5, to: 1.5, steps: 5 },
    y: client
      ? { param: `clients.${client[0]}.timeout`, from: timeout / 2, to: timeout * 2, steps: 4 }
      : { param: "duration", from: 30, to: 120, steps: 4 },
    replications: 2,
  };
}

function runMap(): void {
  const request = mapRequest.value ?? defaultMap();
  const text = scenarioText.value;
  const file = scenarioFile.value;
  const runs = request.x.steps * request.y.steps * request.replications;
  const where = mapWhere.value === "auto" ? (runs <= BROWSER_RUNS ? "browser" : "server") : mapWhere.value;
  start(
    mapJob,
    controllers,
    async (signal, progress) => {
      const options = { signal, onProgress: progress };
      if (where === "server") return mapOnServer(text, file, request, options);
      return mapInBrowser(text, parseScenarioText(text, file), request, options);
    },
    where === "server" ? "on the server" : "in this browser",
  );
}

function AxisFields({ which, params }: { which: "x" | "y"; params: MapParam[] }) {
  const request = mapRequest.value ?? defaultMap();
  const axis = request[which];
  const set = (patch: Partial<typeof axis>) => {
    mapRequest.value = { ...request, [which]: { ...axis, ...patch } };
  };
  const known = params.some((p) => p.path === axis.param);
  return (
    <div class="row" data-axis={which}>
      <label>
        {which === "x" ? "across (x)" : "up (y)"}{" "}
        <select
          name={`${which}-param`}
          value={axis.param}
          onChange={(e) => {
            const p = params.find((q) => q.path === (e.target as HTMLSelectElement).value);
            if (p) set({ param: p.path, ...defaultRange(p) });
          }}
        >
          {!known && <option value={axis.param}>{axis.param} (not in this scenario)</option>}
          {params.map((p) => (
            <option key={p.path} value={p.path}>
              {p.path === "load" ? "load (x every source's rate)" : `${p.path} (now ${p.value})`}
            </option>
          ))}
        </select>
      </label>
      {numberField("map", `${which} from`, axis.from, (from) => set({ from }))}
      {numberField("map", `${which} to`, axis.to, (to) => set({ to }))}
      {numberField("map", `${which} steps`, axis.steps, (steps) => set({ steps }), wholeIn(1, 50))}
    </div>
  );
}

function MapSection({ disabled }: { disabled: boolean }) {
  const request = mapRequest.value ?? defaultMap();
  const params = mapParams(validation.value.parsed?.spec as Record<string, unknown> | null);
  const same = request.x.param === request.y.param;
  const r = mapJob.value.result;
  return (
    <section class="analysis" data-analysis="map">
      <h3>Phase map</h3>
      <p class="hint">
        Two of the scenario's numbers swept on a grid (<code>load</code> scales every source): how often each
        point ends stuck, and how much of the offered load gets through.
      </p>
      <AxisFields which="x" params={params} />
      <AxisFields which="y" params={params} />
      <div class="row">
        {numberField(
          "map",
          "replications",
          request.replications,
          (replications) => {
            mapRequest.value = { ...request, replications };
          },
          REPLICATIONS,
        )}
        <select
          name="where"
          aria-label="where to compute"
          value={mapWhere.value}
          onChange={(e) => {
            mapWhere.value = (e.target as HTMLSelectElement).value as typeof mapWhere.value;
          }}
        >
          <option value="auto">auto (server above {BROWSER_RUNS} runs)</option>
          <option value="browser">in this browser</option>
          <option value="server">on the server</option>
        </select>
        <button
          type="button"
          data-action="map"
          disabled={disabled || same || hasDrafts("map")}
          onClick={runMap}
        >
          Compute map
        </button>
      </div>
      {same && (
        <p class="field-error" role="alert">
          Pick two different parameters for the axes.
        </p>
      )}
      <Progress job={mapJob} label="map" />
      <Stale job={mapJob} />
      {r && (
        // The cells' values, so a test can compare a browser map with a server one.
        <div
          class="side-by-side"
          data-map={JSON.stringify(r.cells.map((c) => [c.x, c.y, c.pStuck.mean, c.goodputRatio.mean]))}
        >
          <ChartView spec={mapHeatmap(r, "pStuck")} height={340} />
          <ChartView spec={mapHeatmap(r, "goodputRatio")} height={340} />
        </div>
      )}
    </section>
  );
}

/** Comparison with a mitigated variant, thresholds and a phase map, computed in workers or on the server. */
export function AnalysisView() {
  const disabled = validation.value.issues.length > 0 || scenarioDrafts().length > 0;
  return (
    <div class="analysis-view">
      {disabled && <p class="notice">Fix the scenario's errors first (see the editor).</p>}
      <CompareSection disabled={disabled} />
      <ThresholdSection disabled={disabled} />
      <MapSection disabled={disabled} />
    </div>
  );
}
