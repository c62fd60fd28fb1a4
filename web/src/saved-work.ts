// The work in progress survives a reload: the scenario text (and which catalog example it came
// from) is kept in local storage as it is edited. Storage may be missing or full (private windows,
// quotas); the page then works as before, without restoring.

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
