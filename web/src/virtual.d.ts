declare module "virtual:option-docs" {
  import type { OptionDoc } from "./option-docs-types.js";

  /** The model's option docs by interface name, then field (built by web/option-docs.ts). */
  const docs: Record<string, Record<string, OptionDoc>>;
  export default docs;
}

// Style sheets imported for their side effect (Vite puts them in the page's CSS).
declare module "*.css";
