declare module "virtual:catalog-verdicts" {
  /** Each catalog file's verdicts on seeds 1-10 as the audit found them (web/catalog-verdicts.ts). */
  const verdicts: Record<string, { seeds: string[]; note: string | null }>;
  export default verdicts;
}

// Style sheets imported for their side effect (Vite puts them in the page's CSS).
declare module "*.css";
