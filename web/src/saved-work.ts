// The work in progress survives a reload: the scenario text (and which catalog example it came
// from) is kept in local storage as it is edited, and so is the last finished run. Storage may be missing or full (private windows,
// quotas); the page then works as before, without restoring.

import type { AnalysedResult } from "../../src/analysis/analyse-run.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import type { LiveMetric } from "./protocol.js";

const KEY = "metastable:work";

/** What is kept: the text, its file name, and the catalog example it was opened from. */
export interface SavedWork {
  text: string;
  file: string;
  example: string | null;
}

/** The work saved by the last session in this browser, if any. */
export function loadSavedWork(): SavedWork | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const w = JSON.parse(raw) as Partial<SavedWork>;
    if (typeof w.text !== "string" || typeof w.file !== "string") return null;
    return { text: w.text, file: w.file, example: typeof w.example === "string" ? w.example : null };
  } catch {
    return null;
  }
}

/** Keeps `work` for the next load; false when the browser refused. */
export function saveWork(work: SavedWork): boolean {
  try {
    localStorage.setItem(KEY, JSON.stringify(work));
    return true;
  } catch {
    return false;
  }
}

const RESULTS_KEY = "metastable:results";

/** The last finished run, kept so a reload shows it again (marked stale if the scenario changed since). */
export interface SavedResults {
  /** The scenario text and file the run was of. */
  text: string;
  file: string;
  output: RunOutput;
  result: AnalysedResult;
  metrics: LiveMetric[];
  /** When the run finished (ms since the epoch). */
  at: number;
}

/** The last run saved in this browser, if any and still readable. */
export function loadSavedResults(): SavedResults | null {
  try {
    const raw = localStorage.getItem(RESULTS_KEY);
    if (!raw) return null;
    const r = JSON.parse(raw) as Partial<SavedResults>;
    if (
      typeof r.text !== "string" ||
      typeof r.file !== "string" ||
      typeof r.at !== "number" ||
      !r.output?.series ||
      !r.result?.verdict ||
      !Array.isArray(r.metrics)
    )
      return null;
    return r as SavedResults;
  } catch {
    return null;
  }
}

/**
 * Keeps a finished run for the next load; false when the browser refused (a run too large for the
 * quota is then simply not restored). The series are the page's coarse copy, a few hundred KB.
 */
export function saveResults(results: SavedResults): boolean {
  try {
    localStorage.setItem(RESULTS_KEY, JSON.stringify(results));
    return true;
  } catch {
    try {
      localStorage.removeItem(RESULTS_KEY);
    } catch {}
    return false;
  }
}
