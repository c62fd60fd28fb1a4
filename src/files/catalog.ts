import { readdirSync } from "node:fs";
import { join } from "node:path";
import { systemOf } from "./catalog-systems.js";
import { readScenarioFile } from "./scenario-file.js";

/** One scenario of the catalog folder. */
export interface CatalogEntry {
  file: string;
  name: string;
  /** The system it shows: its base scenario's name (see catalog-systems.ts). */
  system: string;
  description: string;
  /** Scheduled triggers and interventions, as short phrases. */
  triggers: string[];
  interventions: string[];
}

/** Reads every scenario in `dir`, in file-name order; a broken file is reported, not skipped. */
export function readCatalog(dir: string): CatalogEntry[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const entries = files.map((file) => {
    const parsed = readScenarioFile(join(dir, file));
    const list = (key: "triggers" | "interventions") =>
      (parsed.spec[key] ?? []).map(
        (f) => `${f.kind} ${f.target} at ${f.at} s${f.duration ? ` for ${f.duration} s` : ""}`,
      );
    return {
      file,
      name: parsed.spec.name,
      system: "",
      description: (parsed.spec.description ?? "").trim(),
      triggers: list("triggers"),
      interventions: list("interventions"),
    };
  });
  const names = entries.map((e) => e.name);
  for (const e of entries) e.system = systemOf(e.name, names);
  return entries;
}
