import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * A SHA-256 of the compiled code that runs trials (every .js and .cjs file of dist/, with its
 * path). Results kept on Redis are keyed by it: after a code change, even without a version bump,
 * a rerun computes afresh instead of getting the old code's answers, and a worker refuses jobs of
 * another build. Computed once per process (about a hundred small files).
 */
export function buildIdentity(): string {
  if (cached) return cached;
  const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
  const hash = createHash("sha256");
  const files = codeFiles(dist).sort();
  if (files.length === 0) throw new Error(`${dist} holds no compiled code; run npm run build first`);
  for (const file of files)
    hash
      .update(`${relative(dist, file)}\0`)
      .update(readFileSync(file))
      .update("\0");
  cached = hash.digest("hex").slice(0, 16);
  return cached;
}

function codeFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? codeFiles(join(dir, e.name)) : /\.c?js$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
