import { type Axis, axisValues } from "../../src/analysis/axis.js";
import { canonicalJson } from "../../src/analysis/canonical-json.js";
import type { MapCell, MapResult } from "../../src/analysis/map-result.js";
import { readParam, SweepError, withParam, withParams } from "../../src/analysis/param-path.js";
import { meanInterval, proportionInterval } from "../../src/analysis/statistics.js";
import { replicationSeeds, type TrialResult } from "../../src/analysis/trial.js";
import { buildModel } from "../../src/scenario/build.js";
import type { ParsedScenario } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { runOnPool } from "./trial-pool.js";

// A map computed in the page, with the same cells, seeds and statistics as `metastable map`. The
// sweep module hashes with node:crypto, so the identity is computed here with Web Crypto from the
// same canonical JSON (a test checks both give the same value).

/** What a map sweeps: two axes and replications per cell. */
export interface MapRequest {
  x: Axis;
  y: Axis;
  replications: number;
}

/** The CLI's identity of a value (first 32 hex digits of the SHA-256 of its canonical JSON). */
export async function identityOf(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(value)));
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .slice(0, 32);
}

/** Checks both axes against the scenario (each value must give a scenario that builds), as planSweep does. */
export function checkAxes(parsed: ParsedScenario, request: MapRequest): void {
  const { x, y, replications } = request;
  if (x.param === y.param) throw new SweepError(`x and y both sweep "${x.param}"; pick two parameters`);
  if (!Number.isInteger(replications) || replications < 1)
    throw new SweepError(`replications must be an integer >= 1, got ${replications}`);
  for (const axis of [x, y]) {
    if (!(axis.steps >= 1 && Number.isInteger(axis.steps)) || axis.from > axis.to)
      throw new SweepError(`${axis.param}: give from <= to and an integer number of steps >= 1`);
    readParam(parsed.spec, axis.param);
    for (const value of axisValues(axis)) {
      try {
        buildModel({ ...parsed, spec: withParam(parsed.spec, axis.param, value) });
      } catch (e) {
        if (e instanceof ScenarioError)
          throw new SweepError(`${axis.param}=${value} gives a scenario that cannot run:\n${e.message}`);
        throw e;
      }
    }
  }
}

/** Computes the map on the page's worker pool; `onProgress` sees trials done of total. */
export async function mapInBrowser(
  text: string,
  parsed: ParsedScenario,
  request: MapRequest,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<MapResult> {
  checkAxes(parsed, request);
  const { x, y, replications } = request;
  const spec = parsed.spec;
  const seeds = replicationSeeds(typeof spec.seed === "number" ? spec.seed : 1, replications);
  const xs = axisValues(x);
  const ys = axisValues(y);
  const cells = ys.flatMap((yv, iy) =>
    xs.map((xv, ix) => ({ index: iy * xs.length + ix, ix, iy, x: xv, y: yv })),
  );
  const trials = cells.flatMap((c) =>
    seeds.map((seed) => ({
      spec: withParams(spec, [
        { param: x.param, value: c.x },
        { param: y.param, value: c.y },
      ]),
      seed,
    })),
  );
  let done = 0;
  const results = await runOnPool(text, parsed.file, trials, {
    ...(options.signal && { signal: options.signal }),
    onResult: () => options.onProgress?.(++done, trials.length),
  });
  const mapCells = cells.map((c): MapCell => {
    const list: TrialResult[] = results
      .slice(c.index * replications, (c.index + 1) * replications)
      .map((r) => r.result);
    const verdicts = { stable: 0, recovered: 0, metastable: 0, unstable: 0 };
    for (const t of list) verdicts[t.verdict]++;
    return {
      ...c,
      pStuck: proportionInterval(list.filter((t) => t.stuck).length, list.length),
      goodputRatio: meanInterval(list.map((t) => t.goodputRatio)),
      verdicts,
    };
  });
  // The page computes the plain grid: no refinement rounds (`metastable map --refine` adds them).
  const result = {
    scenario: spec.name,
    description: spec.description ?? "",
    scenarioHash: await identityOf(spec),
    x: { ...x, values: xs },
    y: { ...y, values: ys },
    replications,
    seeds,
    cells: mapCells,
    refine: 0,
  };
  return result as MapResult;
}

/** Asks the server to compute the map (big sweeps); progress arrives as it streams. */
export async function mapOnServer(
  text: string,
  file: string,
  request: MapRequest,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<MapResult> {
  const res = await fetch(`./api/map?file=${encodeURIComponent(file)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Metastable": "1" },
    body: JSON.stringify({ scenario: text, ...request }),
    ...(options.signal && { signal: options.signal }),
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `the server answered ${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as
        | { done: number; total: number }
        | { result: MapResult }
        | { error: string };
      buffer = buffer.slice(nl + 1);
      if ("error" in line) throw new Error(line.error);
      if ("result" in line) return line.result;
      options.onProgress?.(line.done, line.total);
      nl = buffer.indexOf("\n");
    }
  }
  throw new Error("the server closed the connection before the map was done");
}
