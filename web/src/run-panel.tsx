import { useRef } from "preact/hooks";
import { type ChartSpec, characteristicChart, chartOptions } from "../../src/report/charts.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { scenarioDrafts } from "./drafts.js";
import { REDRAW_MS } from "./draw-queue.js";
import { LiveChart } from "./live-chart.js";
import type { Speed } from "./protocol.js";
import type { RunController, RunView } from "./run-controller.js";
import { scenarioFile, scenarioText, validation } from "./scenario-store.js";
import { ScrollTable } from "./scroll-table.js";

const SPEEDS: { label: string; value: Speed }[] = [
  { label: "1×", value: 1 },
  { label: "5×", value: 5 },
  { label: "10×", value: 10 },
  { label: "20×", value: 20 },
  { label: "max", value: null },
];

const fmt = (x: number, digits = 3) => String(Number(x.toPrecision(digits)));

function Controls({ runs }: { runs: RunController }) {
  const v = runs.view.value;
  const busy = v.phase === "running" || v.phase === "paused";
  // A field holding text that is not a number: what would run is not what is on screen.
  const typed = scenarioDrafts();
  const invalid = validation.value.issues.length > 0 || typed.length > 0;
  return (
    <div class="controls">
      <button
        type="button"
        class="primary"
        data-action="run"
        disabled={invalid}
        title={
          typed.length > 0
            ? `fix the number typed in ${typed.join(", ")} first`
            : invalid
              ? "fix the scenario's errors first"
              : "run the scenario from t = 0"
        }
        onClick={() => runs.start(scenarioText.value, scenarioFile.value)}
      >
        {busy ? "Restart" : "Run"}
      </button>
      {v.phase === "running" ? (
        <button type="button" data-action="pause" onClick={() => runs.pause()}>
          Pause
        </button>
      ) : (
        <button
          type="button"
          data-action="resume"
          disabled={v.phase !== "paused"}
          onClick={() => runs.resume()}
        >
          Play
        </button>
      )}
      <button
        type="button"
        data-action="step"
        disabled={invalid || (v.phase !== "paused" && busy)}
        title="advance one rate window of simulated time"
        onClick={() => (busy ? runs.step() : runs.start(scenarioText.value, scenarioFile.value, true))}
      >
        Step
      </button>
      <button type="button" data-action="cancel" disabled={!busy} onClick={() => runs.cancel()}>
        Cancel
      </button>
      <fieldset class="speed" aria-label="speed">
        {SPEEDS.map((s) => (
          <button
            type="button"
            key={s.label}
            class={runs.speed.value === s.value ? "on" : ""}
            aria-pressed={runs.speed.value === s.value}
            title={s.value === null ? "as fast as possible" : `${s.value} simulated seconds per second`}
            onClick={() => runs.setSpeed(s.value)}
          >
            {s.label}
          </button>
        ))}
      </fieldset>
      <Progress v={v} />
    </div>
  );
}

function Progress({ v }: { v: RunView }) {
  if (v.phase === "idle") return null;
  const pct = v.end > 0 ? (100 * v.now) / v.end : 0;
  return (
    <span class="progress" data-phase={v.phase}>
      <progress max={100} value={pct} />
      <span>
        t = {fmt(v.now, 4)} / {fmt(v.end, 4)} s · {v.events.toLocaleString("en")} events · {v.phase}
      </span>
    </span>
  );
}

function Verdict({ v }: { v: RunView }) {
  if (v.phase === "failed")
    return (
      <div class="verdict verdict-failed" role="alert" data-verdict="failed">
        <b>The run failed.</b>
        <pre>{v.error}</pre>
      </div>
    );
  if (v.result) {
    const r = v.result;
    return (
      <div class={`verdict verdict-${r.verdict.kind}`} data-verdict={r.verdict.kind}>
        <b class="kind">{r.verdict.kind}</b> {r.verdict.summary.replace(/^\w+: /, "")}
        <div class="facts">
          retry amplification {fmt(r.retryAmplification)} · timeout rate {fmt(r.timeoutRate * 100)}% · p50{" "}
          {r.latency.p50 === null ? "–" : `${fmt(r.latency.p50 * 1000)} ms`} · p99{" "}
          {r.latency.p99 === null ? "–" : `${fmt(r.latency.p99 * 1000)} ms`}
        </div>
      </div>
    );
  }
  if (!v.provisional) return null;
  const p = v.provisional;
  const state =
    p.degradedAt !== null
      ? `degraded since ${fmt(p.degradedAt)} s`
      : p.ratio === null
        ? "warming up"
        : "healthy so far";
  return (
    <div class="verdict verdict-pending" data-verdict="pending">
      <b class="kind">{v.phase === "cancelled" ? "cancelled" : "running"}</b> {state}
      {p.ratio !== null && ` · goodput/offered over the last 10 s: ${fmt(p.ratio * 100)}%`}
      <div class="facts">
        The verdict is known when the run ends (it may need a control run without triggers).
      </div>
    </div>
  );
}

/** What the CLI says under its verdict: conclusive or run longer, the drain, the loop's signs. */
function Conclusion({ v }: { v: RunView }) {
  const r = v.result;
  if (!r) return null;
  const verdict = r.verdict;
  const moved = r.characteristicMetrics.filter((m) => m.leftAt !== null);
  return (
    <div class="conclusion" data-conclusive={verdict.conclusive ? "yes" : "no"}>
      <p>
        {verdict.conclusive ? (
          <>
            <b>Conclusive:</b> the run is long enough to tell a slow recovery from a stuck state.
          </>
        ) : (
          <>
            <b>Run longer:</b> the run ends too soon to tell a slow recovery from a stuck state
            {verdict.runLonger !== null &&
              `; about ${Math.ceil(verdict.runLonger)} s more of load period would settle it`}
            .
          </>
        )}
        {verdict.degradedAtEnd &&
          ` The run ended still degraded: ${
            verdict.drainEstimate === null
              ? "it would not drain at the final rates"
              : `about ${Math.ceil(verdict.drainEstimate)} s to drain at the final rates`
          }.`}
      </p>
      {moved.length > 0 && (
        <ul class="moved" aria-label="characteristic metrics that left their envelope">
          {moved.map((m) => (
            <li key={m.name}>
              {m.label}: left its pre-trigger range at {fmt(m.leftAt!)} s,{" "}
              {m.backAt === null ? "not back" : `back at ${fmt(m.backAt)} s`}
              {m.loopAtEnd && <b> (loop still running at the end)</b>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Work by component, every tier that does work: what `metastable run` prints as its worker table. */
function WorkByTier({ v }: { v: RunView }) {
  const r = v.output?.result;
  if (!r || r.workers.length === 0) return null;
  const pct = (a: number, b: number) => (b > 0 ? fmt((100 * a) / b) : "–");
  return (
    <ScrollTable label="work by component">
      <table class="phases work-by-tier" data-table="work-by-tier">
        <caption>Work by component (every tier that does work)</caption>
        <thead>
          <tr>
            <th>component</th>
            <th>type</th>
            <th class="num">finished</th>
            <th class="num">wasted</th>
            <th class="num">busy %</th>
            <th class="num">wasted %</th>
            <th class="num">error %</th>
            <th class="num">queue max</th>
            <th class="num">queue at end</th>
          </tr>
        </thead>
        <tbody>
          {r.workers.map((w) => (
            <tr key={w.name}>
              <td>{w.name}</td>
              <td>{w.type}</td>
              <td class="num">{w.finished.toLocaleString("en")}</td>
              <td class="num">{w.wasted.toLocaleString("en")}</td>
              <td class="num">{fmt(100 * w.utilisation)}</td>
              <td class="num">{pct(w.wastedBusySeconds, w.busySeconds)}</td>
              <td class="num">{pct(w.errorBusySeconds, w.busySeconds)}</td>
              <td class="num">{w.queueMax.toLocaleString("en")}</td>
              <td class="num">{w.queueAtEnd.toLocaleString("en")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

function Phases({ v }: { v: RunView }) {
  const r = v.output?.result;
  if (!r) return null;
  const rows = r.drain ? [...r.phases, r.drain] : r.phases;
  const ms = (x: number | null) => (x === null ? "–" : fmt(x * 1000));
  return (
    <ScrollTable label="phases of the run">
      <table class="phases">
        <thead>
          <tr>
            <th>phase</th>
            <th>from (s)</th>
            <th class="num">offered</th>
            <th class="num">goodput</th>
            <th class="num">throughput</th>
            <th class="num">timeouts/s</th>
            <th class="num">queue mean</th>
            <th class="num">p50 (ms)</th>
            <th class="num">p99 (ms)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.start}>
              <td>{p === r.drain ? "drain" : p.label}</td>
              <td>{fmt(p.start)}</td>
              <td class="num">{fmt(p.offeredPerSec)}</td>
              <td class="num">{fmt(p.goodputPerSec)}</td>
              <td class="num">{fmt(p.throughputPerSec)}</td>
              <td class="num">{fmt(p.timeoutsPerSec)}</td>
              <td class="num">{fmt(p.queueDepthMean)}</td>
              <td class="num">{ms(p.latencyP50)}</td>
              <td class="num">{ms(p.latencyP99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** Says when the results on screen come from another version of the scenario than the one open. */
function StaleNote({ stale }: { stale: boolean }) {
  if (!stale) return null;
  return (
    <p class="stale-note" role="status" data-stale>
      These results are from an earlier version of the scenario: it was edited after the run started. Run
      again to see the current one (Undo brings the earlier version back).
    </p>
  );
}

/** What the page adds under a chart: what the shaded band is, and why latency stops. */
function ChartNote({ spec, output }: { spec: ChartSpec; output: RunOutput }) {
  const series = (spec.option.series ?? []) as { markArea?: unknown }[];
  if (spec.id.startsWith("metric-") && series.some((x) => x.markArea))
    return (
      <p class="chart-note" data-note="envelope">
        <span class="band-key" aria-hidden="true" /> Shaded band: the range this measure stayed in before the
        first trigger. Where the line leaves it, the feedback loop has taken over.
      </p>
    );
  if (spec.id !== "latency") return null;
  const s = output.series;
  let last = s.latencyMean.length - 1;
  while (last >= 0 && s.latencyMean[last] === null) last--;
  // Blank after the load stopped (the drain) is no news; blank while load was offered is.
  const offeredAfter = s.offered.slice(last + 1).some((x) => x > 0);
  if (s.windowStarts.length === 0 || !offeredAfter) return null;
  const from = last < 0 ? 0 : s.windowStarts[last]! + s.window;
  return (
    <p class="chart-note" data-note="latency">
      {last < 0
        ? "No request has succeeded yet, so there is no latency to draw."
        : `No request succeeded after ${fmt(from)} s, so the latency lines stop there (see goodput and timeouts).`}
    </p>
  );
}

/** Controls, verdict, per-phase table and the live charts of the current run. */
export function RunPanel({ runs }: { runs: RunController }) {
  const v = runs.view.value;
  const ran = runs.ran.value;
  const stale = ran !== null && (ran.text !== scenarioText.value || ran.file !== scenarioFile.value);
  const output = v.output;
  // Built at most once per chart redraw interval while the run goes on (reports come twice as
  // often, and no chart is redrawn sooner than that), at once when it starts, stops or ends, and
  // never at a render that brings no new report (a click, a stale mark). Building every chart's
  // series as [t, v] pairs is most of the garbage a live run makes on the page.
  const built = useRef<{ output: RunOutput | null; metrics: unknown; at: number; charts: ChartSpec[] }>({
    output: null,
    metrics: null,
    at: 0,
    charts: [],
  });
  const now = performance.now();
  const b = built.current;
  const fresh = b.output === output && b.metrics === v.metrics;
  const throttled = v.phase === "running" && b.output !== null && output !== null && now - b.at < REDRAW_MS;
  if (!fresh && !throttled) {
    built.current = {
      output,
      metrics: v.metrics,
      at: now,
      charts: output
        ? [...chartOptions(output), ...(v.metrics ?? []).map((m) => characteristicChart(output, m))].filter(
            // A model without queues of its own (a cache in front of a database) has no queue chart to show.
            (c) => c.id !== "queue-depth" || Object.keys(output.series.queueDepth).length > 0,
          )
        : [],
    };
  }
  const charts = built.current.charts;
  return (
    <section class="run-panel">
      <Controls runs={runs} />
      <StaleNote stale={stale} />
      {v.restoredFrom !== null && (
        <p class="restored-note" data-restored={stale ? "stale" : "current"}>
          Restored from your last visit: the run that finished{" "}
          {new Date(v.restoredFrom).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
          {stale ? ", of an earlier version of this scenario." : ", of the scenario as it is now."}
        </p>
      )}
      <div class={stale ? "results stale" : "results"}>
        <Verdict v={v} />
        {charts.length > 0 && (
          <div class="charts">
            {charts.map((spec) => (
              <div class="chart-cell" key={spec.id}>
                <LiveChart spec={spec} height={280} />
                {output && <ChartNote spec={spec} output={output} />}
              </div>
            ))}
          </div>
        )}
        <Conclusion v={v} />
        <Phases v={v} />
        <WorkByTier v={v} />
      </div>
      {v.phase === "idle" && (
        <p class="hint">Pick a scenario from the catalog, or edit this one, then press Run.</p>
      )}
    </section>
  );
}
