import { signal } from "@preact/signals";
import type { AnalysedResult } from "../../src/analysis/analyse-run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import type { ScenarioIssue } from "../../src/scenario/scenario-error.js";
import type { FromWorker, LiveMetric, Provisional, Speed, ToWorker } from "./protocol.js";
import type { SavedResults } from "./saved-work.js";

/** Where the current run is. */
export type RunPhase = "idle" | "running" | "paused" | "done" | "failed" | "cancelled";

/** Everything the run view draws, updated as the worker reports. */
export interface RunView {
  phase: RunPhase;
  now: number;
  end: number;
  events: number;
  output: RunOutput | null;
  metrics: LiveMetric[] | null;
  provisional: Provisional | null;
  result: AnalysedResult | null;
  error: string | null;
  issues: ScenarioIssue[] | null;
  wallMs: number;
  /** When these results were restored from the last visit, the time their run finished (ms since epoch). */
  restoredFrom: number | null;
}

const IDLE: RunView = {
  phase: "idle",
  now: 0,
  end: 0,
  events: 0,
  output: null,
  metrics: null,
  provisional: null,
  result: null,
  error: null,
  issues: null,
  wallMs: 0,
  restoredFrom: null,
};

/**
 * Simulated seconds per second a run starts at: the default scenario (110 simulated seconds) takes
 * about 11 s, slow enough to watch the storm form, fast enough not to wait.
 */
export const DEFAULT_SPEED = 10;

/** Owns the simulation worker: start, pause, step, speed, cancel (by terminating the worker). */
export class RunController {
  readonly view = signal<RunView>(IDLE);
  readonly speed = signal<Speed>(DEFAULT_SPEED);
  /** The scenario text and file the shown results come from (null: nothing shown). */
  readonly ran = signal<{ text: string; file: string } | null>(null);
  private worker: Worker | null = null;
  private id = 0;
  private started = 0;
  // Progress waiting to be shown: only the latest is, when the page gets to it.
  private pending: FromWorker | null = null;

  private spawn(): Worker {
    const w = new Worker(new URL("./sim-worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (e: MessageEvent<FromWorker>) => {
      if (e.data.type !== "progress") {
        this.pending = null;
        this.receive(e.data);
        return;
      }
      // Taken in a task of its own, not in an animation frame: a frame also draws the charts, and
      // rendering the run panel in the same task would add the two together.
      if (this.pending === null)
        setTimeout(() => {
          const m = this.pending;
          this.pending = null;
          if (m) this.receive(m);
        }, 0);
      this.pending = e.data;
    };
    w.onerror = (e) => {
      e.preventDefault();
      this.view.value = {
        ...this.view.value,
        phase: "failed",
        error: `the simulation worker failed: ${e.message}`,
      };
      this.worker?.terminate();
      this.worker = null;
    };
    return w;
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  /** Starts a run of `text` (paused at t = 0 if `paused`). */
  start(text: string, file: string, paused = false): void {
    this.worker ??= this.spawn();
    this.id++;
    this.started = performance.now();
    this.ran.value = { text, file };
    this.view.value = { ...IDLE, phase: paused ? "paused" : "running" };
    this.send({ type: "run", id: this.id, text, file, speed: this.speed.value, paused });
  }

  pause(): void {
    if (this.view.value.phase !== "running") return;
    this.send({ type: "pause" });
    this.view.value = { ...this.view.value, phase: "paused" };
  }

  resume(): void {
    if (this.view.value.phase !== "paused") return;
    this.send({ type: "resume" });
    this.view.value = { ...this.view.value, phase: "running" };
  }

  step(): void {
    if (this.view.value.phase === "paused") this.send({ type: "step" });
  }

  setSpeed(speed: Speed): void {
    this.speed.value = speed;
    this.send({ type: "speed", speed });
  }

  /** Stops the run at once, whatever it is doing; what was drawn stays on screen. */
  cancel(): void {
    const phase = this.view.value.phase;
    if (phase !== "running" && phase !== "paused") return;
    this.worker?.terminate();
    this.worker = null;
    this.id++;
    this.view.value = { ...this.view.value, phase: "cancelled" };
  }

  /** Forgets the run (another scenario is open): stops it if it is going, and clears its results. */
  reset(): void {
    const phase = this.view.value.phase;
    if (phase === "running" || phase === "paused") {
      this.worker?.terminate();
      this.worker = null;
    }
    this.id++;
    this.ran.value = null;
    this.view.value = IDLE;
  }

  /** Shows a finished run kept from the last visit (the stale mark compares its text with the editor's). */
  restore(saved: SavedResults): void {
    const r = saved.output.result;
    this.ran.value = { text: saved.text, file: saved.file };
    this.view.value = {
      ...IDLE,
      phase: "done",
      now: r.simulatedSeconds,
      end: r.simulatedSeconds,
      events: r.events,
      output: { ...saved.output, result: saved.result },
      result: saved.result,
      metrics: saved.metrics,
      restoredFrom: saved.at,
    };
  }

  /** The finished run as it is kept for the next visit (null while no run has finished). */
  finished(): SavedResults | null {
    const v = this.view.value;
    const ran = this.ran.value;
    if (v.phase !== "done" || !ran || !v.output || !v.result || v.restoredFrom !== null) return null;
    return { ...ran, output: v.output, result: v.result, metrics: v.metrics ?? [], at: Date.now() };
  }

  private receive(m: FromWorker): void {
    if (m.id !== this.id) return;
    const v = this.view.value;
    const wallMs = performance.now() - this.started;
    if (m.type === "progress") {
      const phase = v.phase === "paused" || m.paused ? "paused" : "running";
      this.view.value = {
        ...v,
        phase,
        now: m.now,
        end: m.end,
        events: m.events,
        output: m.output,
        metrics: m.metrics ?? v.metrics,
        provisional: m.provisional,
        wallMs,
      };
    } else if (m.type === "done") {
      this.view.value = {
        ...v,
        phase: "done",
        now: m.output.result.simulatedSeconds,
        end: m.output.result.simulatedSeconds,
        events: m.output.result.events,
        output: { ...m.output, result: m.result },
        result: m.result,
        metrics: m.metrics,
        wallMs,
      };
    } else {
      this.view.value = { ...v, phase: "failed", error: m.message, issues: m.issues };
    }
  }
}
