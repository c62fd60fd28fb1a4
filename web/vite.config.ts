import { defineConfig } from "vite";
import { catalogVerdictsPlugin } from "./catalog-verdicts.js";

// The dashboard: web/ built to dist-web/, which `metastable serve` serves. The browser imports the
// engine, model, scenario and analysis layers from src/ directly, so the CLI and the page run the
// same code.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  build: { outDir: "../dist-web", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  worker: { format: "es" },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [catalogVerdictsPlugin()],
});
