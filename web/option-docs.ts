import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plugin } from "vite";

import type { OptionDoc } from "./src/option-docs-types.js";

export type { OptionDoc };

/** Option docs by interface name (`ClientOptions`, `ScenarioSettings`), then by field. */
export type OptionDocs = Record<string, Record<string, OptionDoc>>;

/**
 * Reads every `export interface XxxOptions { ... }` in a TypeScript source: each field with the doc
 * comment above it. The model's option interfaces are where defaults are documented, so the
 * dashboard's forms show exactly what the code says.
 */
export function extractOptionDocs(source: string): OptionDocs {
  const out: OptionDocs = {};
  for (const m of source.matchAll(/^export interface (\w+(?:Options|Settings))\b[^{]*\{\n([\s\S]*?)^\}/gm)) {
    const fields: Record<string, OptionDoc> = {};
    for (const f of m[2]!.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(?:readonly\s+)?(\w+)(\??):\s*([^;]+);/g)) {
      const text = f[1]!
        .split("\n")
        .map((l) => l.replace(/^\s*\*?\s?/, "").trim())
        .join(" ")
        .trim();
      const d = /\s*Default:\s*(.*?)\s*$/.exec(text);
      const dflt = d ? d[1]!.replace(/\.$/, "") : null;
      const doc = (d ? text.slice(0, d.index) : text)
        // "Required; must not go below 0" reads as its own sentence once "Required" is shown apart.
        .replace(/\s*Required(?:[.;]\s*(\w)|\.?$)/, (_m, c?: string) => (c ? ` ${c.toUpperCase()}` : ""))
        .trim();
      fields[f[2]!] = { doc, default: dflt, required: f[3] !== "?" && dflt === null, type: f[4]!.trim() };
    }
    out[m[1]!] = fields;
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Option docs of every interface under `src/model`, and the scenario's own settings. */
export function modelOptionDocs(srcDir: string): OptionDocs {
  const files = [...sources(join(srcDir, "model")), join(srcDir, "scenario", "build.ts")];
  return Object.assign({}, ...files.map((f) => extractOptionDocs(readFileSync(f, "utf8"))));
}

const ID = "virtual:option-docs";

/** Vite plugin: `import docs from "virtual:option-docs"` gives the model's OptionDocs as JSON. */
export function optionDocsPlugin(): Plugin {
  const srcDir = join(import.meta.dirname, "..", "src");
  return {
    name: "metastable-option-docs",
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    load(id) {
      if (id !== `\0${ID}`) return null;
      for (const f of sources(join(srcDir, "model"))) this.addWatchFile(f);
      return `export default ${JSON.stringify(modelOptionDocs(srcDir))};`;
    },
  };
}
