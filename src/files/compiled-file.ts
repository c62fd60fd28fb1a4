import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The path of a compiled file of dist/ (`name` relative to it, e.g. "cli/redis-processor.js").
 * This module sits two levels below the package root whether it runs from dist/ or, in tests,
 * from src/, so the same relative URL finds dist/ in both cases.
 */
export function compiledFile(name: string): string {
  const path = fileURLToPath(new URL(`../../dist/${name}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing; run npm run build first`);
  return path;
}
