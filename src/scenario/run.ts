import type { StopReason } from "../engine/simulation.js";
import { snapshot } from "../metrics/counters.js";
import { type RecorderDetail, RunRecorder } from "../metrics/run-recorder.js";
import { type BuiltModel, buildModel } from "./build.js";
import type { ParsedScenario } from "./parse.js";
import type { RunOutput } from "./run-result.js";
import { seriesOf, summarise } from "./run-summary.js";

/** Overrides for one run. */
export interface RunScenarioOptions {
  /** Replaces the scenario's seed. */
  seed?: number;
  /** Replaces the scenario's event budget. */
  maxEvents?: number;
  /** Replaces the scenario's wall-clock budget (seconds). */
  maxWallSeconds?: number;
  /** Wall clock in milliseconds (tests pass a fake one). Default: performance.now. */
  clock?: () => number;
  /** Count completions within this many seconds per window (the health rule's latency objective). */
  latencyObjective?: number;
  /**
   * `verdict` keeps only what the verdict and a trial read (see RecorderOptions.detail): per-component
   * series, per-phase and per-window latency, and the latency histogram are left empty. Default: `full`.
   */
  detail?: RecorderDetail;
}

/** A run stopped by its event or wall-clock budget before reaching its end. */
export class BudgetExceededError extends Error {
  constructor(
    readonly budget: "event-budget" | "wall-budget",
    readonly simulatedTime: number,
    readonly end: number,
    readonly events: number,
  ) {
    const which =
      budget === "event-budget"
        ? `the event budget (${events} events) ran out; raise it with --max-events or limits.maxEvents in the scenario`
        : "the wall-clock budget ran out; raise it with --max-wall-seconds or limits.maxWallSeconds in the scenario";
    super(`run stopped at simulated t=${simulatedTime.toFixed(3)} s of ${end} s: ${which}`);
    this.name = "BudgetExceededError";
  }
}

/** A scenario run that advances in steps of simulated time (the dashboard draws it as it goes). */
export interface ScenarioRun {
  /** Simulated time the run ends at (duration plus drain). */
  readonly end: number;
  /** Current simulated time. */
  readonly now: number;
  /** Events run so far. */
  readonly events: number;
  /** Runs events up to `until` (capped at the end); throws BudgetExceededError when a budget runs out. */
  advance(until: number): void;
  /** What happened so far: closed windows and phases, and the current phase up to now. */
  partial(): RunOutput;
  /** Closes the run (call once it has reached `end`) and summarises it, as runScenario does. */
  finish(): RunOutput;
}

/** Builds the scenario's model and starts it, ready to advance step by step. */
export function startScenario(parsed: ParsedScenario, options: RunScenarioOptions = {}): ScenarioRun {
  const wallStart = performance.now();
  const model = buildModel(parsed, options.seed, options.clock);
  const { sim, settings } = model;
  const end = settings.duration + settings.drain;
  const phaseStarts = phaseBoundaries(model);
  const latencyObjective = options.latencyObjective ?? settings.health?.latency?.within;
  const recorder = new RunRecorder(sim, model, {
    probeInterval: settings.probeInterval,
    window: settings.window,
    phaseStarts,
    end,
    ...(latencyObjective !== undefined && { latencyObjective }),
    ...(options.detail !== undefined && { detail: options.detail }),
    capacity: () => {
      let c = 0;
      for (const svc of model.entryServices) c += svc.capacityPerSec;
      return c;
    },
  });
  recorder.start();
  model.faults.start();
  for (const c of model.components) c.start?.();
  return new StartedRun(
    model,
    recorder,
    end,
    phaseStarts,
    options.maxEvents ?? settings.maxEvents,
    options.maxWallSeconds ?? settings.maxWallSeconds,
    wallStart,
  );
}

/**
 * A started run. A class, not an object literal with getters: V8 keeps a literal's getters in
 * accessor pairs it allocates in the old space, and those held each finished run's model, record
 * and events through every young-generation collection until the next full one (a sweep's trials
 * were promoted wholesale: 75 KB of each run survived a scavenge after the run had returned, 8 KB
 * with the getters on a prototype).
 */
class StartedRun implements ScenarioRun {
  // The wall budget covers the whole run, however many steps it is taken in.
  private wallUsed = 0;

  constructor(
    private readonly model: BuiltModel,
    private readonly recorder: RunRecorder,
    readonly end: number,
    private readonly phaseStarts: number[],
    private readonly maxEvents: number,
    private readonly maxWallSeconds: number,
    private readonly wallStart: number,
  ) {}

  get now(): number {
    return this.model.sim.now;
  }

  get events(): number {
    return this.model.sim.events;
  }

  advance(until: number): void {
    const stepStart = performance.now();
    const status = this.model.sim.run({
      until: Math.min(until, this.end),
      maxEvents: this.maxEvents,
      maxWallSeconds: Math.max(0, this.maxWallSeconds - this.wallUsed),
    });
    this.wallUsed += (performance.now() - stepStart) / 1000;
    if (status.reason === "event-budget" || status.reason === "wall-budget") {
      throw new BudgetExceededError(
        status.reason as Exclude<StopReason, "until" | "idle">,
        status.now,
        this.end,
        status.events,
      );
    }
  }

  partial(): RunOutput {
    const { model, recorder } = this;
    const now = model.sim.now;
    const started = this.phaseStarts.filter((t) => t < now || t === 0);
    // The phase in progress ends at `now` for now: its stats cover what has run of it.
    const snapshots = [...recorder.phaseSnapshots.slice(0, started.length), snapshot(model)];
    const wallSeconds = (performance.now() - this.wallStart) / 1000;
    const result = summarise(model, recorder, started, snapshots, now, wallSeconds);
    return { result, series: seriesOf(model, recorder) };
  }

  finish(): RunOutput {
    const { model, recorder } = this;
    recorder.finish();
    const wallSeconds = (performance.now() - this.wallStart) / 1000;
    return {
      result: summarise(model, recorder, this.phaseStarts, recorder.phaseSnapshots, this.end, wallSeconds),
      series: seriesOf(model, recorder),
    };
  }
}

/** Builds the scenario's model, runs it to its end, and summarises what happened. */
export function runScenario(parsed: ParsedScenario, options: RunScenarioOptions = {}): RunOutput {
  const run = startScenario(parsed, options);
  run.advance(run.end);
  return run.finish();
}

function phaseBoundaries(model: BuiltModel): number[] {
  const { duration, drain } = model.settings;
  const cuts = new Set<number>([0]);
  for (const s of model.sources) for (const t of s.profile.breakpoints(duration)) cuts.add(t);
  // Triggers and interventions cut phases too, so "before", "during" and "after" read apart.
  for (const c of [...model.triggers, ...model.interventions]) {
    for (const t of [c.start, c.end]) if (t > 0 && t < duration) cuts.add(t);
  }
  if (drain > 0) cuts.add(duration);
  return [...cuts].sort((a, b) => a - b);
}
