declare module "virtual:option-docs" {
  import type { OptionDoc } from "./option-docs-types.js";

  /** The model's option docs by interface name, then field (built by web/option-docs.ts). */
  const docs: Record<string, Record<string, OptionDoc>>;
  export default docs;
}

declare module "virtual:catalog-verdicts" {
  /** Each catalog file's verdicts on seeds 1-10 as the audit found them (web/catalog-verdicts.ts). */
  const verdicts: Record<string, { seeds: string[]; note: string | null }>;
  export default verdicts;
}

// Style sheets imported for their side effect (Vite puts them in the page's CSS).
declare module "*.css";
