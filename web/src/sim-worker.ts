// The simulation worker: runs a scenario in steps of simulated time and posts what has happened so
// far, so the page stays responsive and its charts grow while the run goes on. Cancelling a run is
// terminating this worker; the page then starts a fresh one.
import { analyseRun } from "../../src/analysis/analyse-run.js";
import { characteristicSeries } from "../../src/analysis/characteristics.js";
import { type ParsedScenario, parseScenarioText } from "../../src/scenario/parse.js";
import { type ScenarioRun, startScenario } from "../../src/scenario/run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { forDisplay } from "./coarsen.js";
import type { FromWorker, LiveMetric, Provisional, Speed, ToWorker } from "./protocol.js";

interface Job {
  id: number;
  parsed: ParsedScenario;
  run: ScenarioRun;
  speed: Speed;
  paused: boolean;
  lastTick: number;
  lastReport: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);
// How long one slice of work may hold the worker, how often it advances at a set speed, and how
// often the page hears from it (redrawing a dozen charts costs the page more than a slice costs here).
const SLICE_MS = 40;
const TICK_MS = 50;
const REPORT_MS = 250;
// Characteristic series cost windows x probes; beyond this they wait for the end of the run.
const LIVE_METRICS_LIMIT = 4_000_000;
let job: Job | null = null;

function fail(id: number, e: unknown): void {
  if (e instanceof ScenarioError) post({ type: "error", id, message: e.message, issues: [...e.issues] });
  else post({ type: "error", id, message: (e as Error)?.message ?? String(e), issues: null });
  job = null;
}

function provisional(output: RunOutput): Provisional {
  const s = output.series;
  const k = Math.max(1, Math.round(10 / s.window));
  let degradedAt: number | null = null;
  let ratio: number | null = null;
  for (let i = 0; i < s.windowStarts.length; i++) {
    let offered = 0;
    let good = 0;
    for (let j = Math.max(0, i - k + 1); j <= i; j++) {
      offered += s.offered[j]! * s.window;
      good += s.goodput[j]! * s.window;
    }
    // Same rule as the verdict: judged after 5 s warm-up plus one sliding window, >= 20 requests.
    ratio = offered >= 20 ? Math.min(1, good / offered) : null;
    const judged = s.windowStarts[i]! + s.window > 15 - 1e-9;
    if (judged && ratio !== null && ratio < 0.7 && degradedAt === null) degradedAt = s.windowStarts[i]!;
  }
  return { ratio, degradedAt };
}

function liveMetrics(output: RunOutput): LiveMetric[] | null {
  const s = output.series;
  if (s.windowStarts.length * s.probeTimes.length > LIVE_METRICS_LIMIT) return null;
  return characteristicSeries(output).map((m) => ({ ...m, envelope: null }));
}

function report(j: Job): void {
  j.lastReport = performance.now();
  const full = j.run.partial();
  const shown = forDisplay(full, liveMetrics(full));
  post({
    type: "progress",
    id: j.id,
    now: j.run.now,
    end: j.run.end,
    events: j.run.events,
    paused: j.paused,
    output: shown.output,
    metrics: shown.metrics,
    provisional: provisional(full),
  });
}

function complete(j: Job): void {
  const output = j.run.finish();
  const analysed = analyseRun(j.parsed, output);
  const metrics = analysed.metrics.map((m) => ({
    name: m.name,
    unit: m.unit,
    values: m.values,
    envelope: m.envelope,
  }));
  const shown = forDisplay(output, metrics);
  post({
    type: "done",
    id: j.id,
    output: shown.output,
    result: analysed.result,
    metrics: shown.metrics ?? [],
  });
  job = null;
}

/** Runs one slice: as much as the speed allows since the last tick, or SLICE_MS of work at full speed. */
function tick(): void {
  const j = job;
  if (!j) return;
  j.timer = null;
  if (j.paused) return;
  try {
    const now = performance.now();
    if (j.speed === null) {
      const step = Math.max(j.run.end / 400, 1e-3);
      while (j.run.now < j.run.end && performance.now() - now < SLICE_MS) j.run.advance(j.run.now + step);
    } else {
      const dt = Math.min(now - j.lastTick, 250) / 1000;
      j.run.advance(j.run.now + j.speed * dt);
    }
    j.lastTick = now;
    if (j.run.now >= j.run.end) {
      report(j);
      complete(j);
      return;
    }
    if (now - j.lastReport >= REPORT_MS) report(j);
    j.timer = setTimeout(tick, j.speed === null ? 0 : TICK_MS);
  } catch (e) {
    fail(j.id, e);
  }
}

function schedule(j: Job): void {
  if (j.timer === null && !j.paused) {
    j.lastTick = performance.now();
    j.timer = setTimeout(tick, 0);
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === "run") {
    if (job?.timer) clearTimeout(job.timer);
    try {
      const parsed = parseScenarioText(m.text, m.file);
      const run = startScenario(parsed);
      job = {
        id: m.id,
        parsed,
        run,
        speed: m.speed,
        paused: m.paused,
        lastTick: 0,
        lastReport: 0,
        timer: null,
      };
      report(job);
      schedule(job);
    } catch (e) {
      fail(m.id, e);
    }
    return;
  }
  const j = job;
  if (!j) return;
  if (m.type === "pause") {
    j.paused = true;
    if (j.timer) clearTimeout(j.timer);
    j.timer = null;
    report(j);
  } else if (m.type === "resume") {
    j.paused = false;
    schedule(j);
  } else if (m.type === "speed") {
    j.speed = m.speed;
  } else if (m.type === "step") {
    try {
      j.run.advance(j.run.now + j.run.partial().series.window);
      if (j.run.now >= j.run.end) {
        report(j);
        complete(j);
      } else report(j);
    } catch (e) {
      fail(j.id, e);
    }
  }
};
