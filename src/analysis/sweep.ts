import { buildModel } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { ScenarioError } from "../scenario/scenario-error.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { type Axis, axisValues } from "./axis.js";
import type { BatchRunner } from "./batch.js";
import { identityOf } from "./job-identity.js";
import type { MapCell, MapResult, SweepCell } from "./map-result.js";
import { SweepError, withParam, withParams } from "./param-path.js";
import { meanInterval, proportionInterval } from "./statistics.js";
import { replicationSeeds, type TrialResult } from "./trial.js";

export type { MapCell, MapResult, SweepCell } from "./map-result.js";
export { type Axis, axisValues };

/** Which part of a sweep to run: cells with index % count == index - 1 (1-based, as Slurm and Kubernetes number jobs). */
export interface Shard {
  index: number;
  count: number;
}

/** Everything that fixes a sweep's jobs and results; partial files carry it so merge needs no scenario file. */
export interface SweepHeader {
  scenario: string;
  description: string;
  /** Identity of the scenario's parsed content (not its file name). */
  scenarioHash: string;
  x: Axis;
  y: Axis;
  replications: number;
  /** Seed of replication 0; replication r uses baseSeed + r (replicationSeeds). */
  baseSeed: number;
  /** Refinement rounds: each gives cells near the stuck/not-stuck boundary `replications` more. Absent: 0. */
  refine?: number;
}

/** One trial of the sweep; `id` hashes (scenario, parameter point, replication, seed). */
export interface SweepJob {
  id: string;
  cell: number;
  replication: number;
  seed: number;
}

/**
 * Most trials (cells x replications) one map may plan. Each axis is capped at 10,000 steps, but
 * two such axes make 10^8 cells: the job list alone would not fit in memory. A million trials
 * is already days of computing on one machine.
 */
export const MAX_SWEEP_TRIALS = 1_000_000;

/** The grid's cells, row by row (y outer, x inner). */
export function sweepCells(header: SweepHeader): SweepCell[] {
  const xs = axisValues(header.x);
  const ys = axisValues(header.y);
  return ys.flatMap((y, iy) => xs.map((x, ix) => ({ index: iy * xs.length + ix, ix, iy, x, y })));
}

/** The job of one replication of one cell; its seed is baseSeed + replication. */
function jobFor(header: SweepHeader, cell: SweepCell, replication: number): SweepJob {
  const seed = header.baseSeed + replication;
  return {
    id: identityOf({
      scenario: header.scenarioHash,
      point: [
        [header.x.param, cell.x],
        [header.y.param, cell.y],
      ],
      replication,
      seed,
    }),
    cell: cell.index,
    replication,
    seed,
  };
}

/** Every job of the grid in order (cell, then replication), or only those of one shard. */
export function sweepJobs(header: SweepHeader, shard?: Shard): SweepJob[] {
  return sweepCells(header)
    .filter((c) => !shard || c.index % shard.count === shard.index - 1)
    .flatMap((c) => Array.from({ length: header.replications }, (_, r) => jobFor(header, c, r)));
}

/**
 * Cells near the stuck/not-stuck boundary: outcomes still mixed (0 < P < 1), or a neighbour
 * (left, right, above, below) on the other side of P = 1/2.
 */
export function boundaryCells(header: SweepHeader, pStuck: readonly number[]): number[] {
  const nx = header.x.steps;
  const ny = header.y.steps;
  const side = (i: number) => pStuck[i]! >= 0.5;
  return sweepCells(header)
    .filter(({ index, ix, iy }) => {
      const p = pStuck[index]!;
      if (p > 0 && p < 1) return true;
      const neighbours = [
        ix > 0 ? index - 1 : -1,
        ix < nx - 1 ? index + 1 : -1,
        iy > 0 ? index - nx : -1,
        iy < ny - 1 ? index + nx : -1,
      ].filter((n) => n >= 0);
      return neighbours.some((n) => side(n) !== side(index));
    })
    .map((c) => c.index);
}

/**
 * Every job of the map that the results so far determine: the grid, then each refinement round
 * whose cells can be chosen (all earlier jobs done). `complete` when all of them have results.
 * Depends only on the results, never on timing, so a resumed or re-run map refines the same cells.
 */
export function plannedJobs(
  header: SweepHeader,
  results: ReadonlyMap<string, TrialResult>,
): { jobs: SweepJob[]; complete: boolean } {
  const cells = sweepCells(header);
  let jobs = sweepJobs(header);
  for (let round = 1; round <= (header.refine ?? 0); round++) {
    if (!jobs.every((j) => results.has(j.id))) return { jobs, complete: false };
    const stuck = new Array<number>(cells.length).fill(0);
    const count = new Array<number>(cells.length).fill(0);
    for (const j of jobs) {
      count[j.cell]!++;
      if (results.get(j.id)!.stuck) stuck[j.cell]!++;
    }
    const chosen = boundaryCells(
      header,
      stuck.map((s, i) => s / count[i]!),
    );
    const from = round * header.replications;
    jobs = [
      ...jobs,
      ...chosen.flatMap((c) =>
        Array.from({ length: header.replications }, (_, r) => jobFor(header, cells[c]!, from + r)),
      ),
    ];
  }
  return { jobs, complete: jobs.every((j) => results.has(j.id)) };
}

/**
 * Checks the axes against the scenario and fixes the sweep: each parameter must exist and be a
 * number, and every value on each axis must give a scenario that builds (so a bad value fails
 * at once with the field named, not in the middle of the sweep).
 */
export function planSweep(
  parsed: ParsedScenario,
  x: Axis,
  y: Axis,
  replications: number,
  refine = 0,
): SweepHeader {
  if (x.param === y.param) throw new SweepError(`--x and --y both sweep "${x.param}"; pick two parameters`);
  if (!Number.isInteger(replications) || replications < 1)
    throw new SweepError(`--replications must be an integer >= 1, got ${replications}`);
  if (!Number.isInteger(refine) || refine < 0 || refine > 10)
    throw new SweepError(`--refine must be an integer from 0 to 10, got ${refine}`);
  const trials = x.steps * y.steps * replications;
  if (trials > MAX_SWEEP_TRIALS)
    throw new SweepError(
      `${x.steps} x ${y.steps} cells x ${replications} replications is ${trials.toLocaleString("en-US")} trials; a map runs at most ${MAX_SWEEP_TRIALS.toLocaleString("en-US")}: use fewer steps (refine the region of interest in a second map, or --refine) or fewer replications`,
    );
  for (const [flag, axis] of [
    ["--x", x],
    ["--y", y],
  ] as const) {
    for (const value of axisValues(axis)) {
      try {
        buildModel({ ...parsed, spec: withParam(parsed.spec, axis.param, value) });
      } catch (e) {
        if (e instanceof ScenarioError)
          throw new SweepError(
            `${flag} ${axis.param}=${value} gives a scenario that cannot run:\n${e.message}`,
          );
        throw e;
      }
    }
  }
  const spec = parsed.spec;
  return {
    scenario: spec.name,
    description: spec.description ?? "",
    scenarioHash: identityOf(spec),
    x,
    y,
    replications,
    baseSeed: typeof spec.seed === "number" ? spec.seed : 1,
    ...(refine > 0 && { refine }),
  };
}

/** The scenario spec of one cell. */
export function cellSpec(spec: ScenarioSpec, header: SweepHeader, cell: SweepCell): ScenarioSpec {
  return withParams(spec, [
    { param: header.x.param, value: cell.x },
    { param: header.y.param, value: cell.y },
  ]);
}

/**
 * Runs the jobs not yet in `done` and adds their results to it as each finishes (`onResult` sees
 * every new one, e.g. to checkpoint it). Rejects if the runner is aborted; `done` keeps what finished.
 */
export async function runSweepJobs(
  parsed: ParsedScenario,
  header: SweepHeader,
  jobs: readonly SweepJob[],
  run: BatchRunner,
  done: Map<string, TrialResult>,
  options: { signal?: AbortSignal; onResult?: (job: SweepJob, result: TrialResult) => void } = {},
): Promise<void> {
  const cells = sweepCells(header);
  const unfinished = jobs.filter((j) => !done.has(j.id));
  const specs = new Map<number, ScenarioSpec>();
  const specOf = (cell: number) => {
    let s = specs.get(cell);
    if (!s) {
      s = cellSpec(parsed.spec, header, cells[cell]!);
      specs.set(cell, s);
    }
    return s;
  };
  await run(
    unfinished.map((j) => ({ spec: specOf(j.cell), seed: j.seed })),
    {
      ...(options.signal && { signal: options.signal }),
      onResult: (i, result) => {
        const job = unfinished[i]!;
        done.set(job.id, result);
        options.onResult?.(job, result);
      },
    },
  );
}

/** The map from every job's result; throws a SweepError saying how many are missing. */
export function summariseSweep(header: SweepHeader, results: ReadonlyMap<string, TrialResult>): MapResult {
  const { jobs } = plannedJobs(header, results);
  const missing = jobs.filter((j) => !results.has(j.id));
  if (missing.length > 0) {
    const cells = new Set(missing.map((j) => j.cell));
    throw new SweepError(
      `${missing.length} of ${jobs.length} trials are missing (in ${cells.size} of ${sweepCells(header).length} cells); a shard or partial file is missing`,
    );
  }
  const byCell = new Map<number, TrialResult[]>();
  for (const j of jobs) {
    const list = byCell.get(j.cell) ?? [];
    list.push(results.get(j.id)!);
    byCell.set(j.cell, list);
  }
  const cells = sweepCells(header).map((c): MapCell => {
    const trials = byCell.get(c.index)!;
    const verdicts = { stable: 0, recovered: 0, metastable: 0, unstable: 0 };
    for (const t of trials) verdicts[t.verdict]++;
    return {
      ...c,
      pStuck: proportionInterval(trials.filter((t) => t.stuck).length, trials.length),
      goodputRatio: meanInterval(trials.map((t) => t.goodputRatio)),
      verdicts,
    };
  });
  return {
    scenario: header.scenario,
    description: header.description,
    scenarioHash: header.scenarioHash,
    x: { ...header.x, values: axisValues(header.x) },
    y: { ...header.y, values: axisValues(header.y) },
    replications: header.replications,
    seeds: replicationSeeds(header.baseSeed, header.replications),
    refine: header.refine ?? 0,
    cells,
  };
}
