// The page imports only types from src/analysis/sweep.ts (MapResult), which the compiler still
// reads, and that module hashes with node:crypto. The page never loads it (test/web/
// browser-imports.test.ts checks that), so this declares just enough for the type check.
declare module "node:crypto" {
  export function createHash(algorithm: string): {
    update(data: string): { digest(encoding: "hex"): string };
  };
}
