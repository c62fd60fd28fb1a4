import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * Writes a set of files into `dir` so that no reader ever sees a half-written one: everything is
 * written into a scratch folder beside `dir` first, then each file is renamed into place (a
 * rename within one file system is atomic). If writing fails, `dir` is left as it was.
 */
export function writeFilesAtomically(dir: string, files: Record<string, string>): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const scratch = mkdtempSync(join(parent, ".metastable-tmp-"));
  try {
    for (const [name, content] of Object.entries(files)) {
      if (name.includes("/") || name.includes("\\") || name.startsWith("."))
        throw new Error(`bad output file name ${name}`);
      writeFileSync(join(scratch, name), content);
    }
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(scratch)) renameSync(join(scratch, name), join(target, name));
    return Object.keys(files).map((name) => join(target, name));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
