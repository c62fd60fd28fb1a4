import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";

// The catalog's expected verdicts come from the audit (`npm run audit` writes docs/catalog-audit.md,
// its per-seed verdicts, and docs/catalog-audit-notes.json, why a varying one varies). The page reads
// them at build time through this virtual module, so a badge says what the audit found and changes
// when the audit is run again; nothing about a scenario's verdict is written into the page.

const ID = "virtual:catalog-verdicts";

/** What the audit found for one catalog file: its verdict on each seed, and a note when they vary. */
export interface AuditedVerdict {
  seeds: string[];
  note: string | null;
}

/** Reads the "verdicts in seed order" block of the audit document and the notes beside it. */
export function catalogVerdicts(docsDir: string): Record<string, AuditedVerdict> {
  const md = readFileSync(join(docsDir, "catalog-audit.md"), "utf8");
  const notes = JSON.parse(readFileSync(join(docsDir, "catalog-audit-notes.json"), "utf8")) as Record<
    string,
    string
  >;
  const block = /## Seed 1 verdicts[\s\S]*?```text\n([\s\S]*?)```/.exec(md)?.[1];
  if (!block)
    throw new Error(`${join(docsDir, "catalog-audit.md")}: no per-seed verdict block (run npm run audit)`);
  const out: Record<string, AuditedVerdict> = {};
  for (const line of block.split("\n")) {
    const m = /^(\S+): (.+)$/.exec(line.trim());
    if (m) out[m[1]!] = { seeds: m[2]!.trim().split(/\s+/), note: notes[m[1]!] ?? null };
  }
  return out;
}

export function catalogVerdictsPlugin(): Plugin {
  const docsDir = join(import.meta.dirname, "..", "docs");
  return {
    name: "metastable-catalog-verdicts",
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    load(id) {
      if (id !== `\0${ID}`) return null;
      this.addWatchFile(join(docsDir, "catalog-audit.md"));
      this.addWatchFile(join(docsDir, "catalog-audit-notes.json"));
      return `export default ${JSON.stringify(catalogVerdicts(docsDir))};`;
    },
  };
}
