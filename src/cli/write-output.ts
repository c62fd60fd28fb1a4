import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./usage-error.js";

// Output folders are written whole into a scratch folder beside the target and put in place with
// one rename, so a reader (or a kill) never sees half of one run and half of another, and files of
// an earlier run never linger. Scratch names carry the writer's pid, so a later writer can tell an
// abandoned scratch folder (its process is gone) from one being written right now.

const SCRATCH = /^\.(.+)\.metastable-(tmp|old)-(\d+)(-[A-Za-z0-9]+)?$/;
// Scratch folders of versions before this scheme (mkdtemp names, no pid).
const LEGACY_SCRATCH = /^\.metastable-tmp-[A-Za-z0-9]{6}$/;
const LEGACY_AGE_MS = 60 * 60 * 1000;
// Names of files metastable writes into an output folder: only a folder holding nothing else is replaced.
const OUR_FILES =
  /^((?:result|map|compare|threshold|stability|fluid|checks)\.json|junit\.xml|checks\.md|gauges\.csv|rates\.csv|report\.html|checkpoint\.jsonl|partial-\d+-of-\d+\.jsonl|[\w.-]+\.svg)$/;

/**
 * Writes `files` as the folder `dir`, replacing what was there as a unit. Files of the old folder
 * whose names `keep` accepts (a map's checkpoint) are carried over. A folder holding anything
 * metastable did not write is never replaced: that is a usage error, as is a path that is not a folder.
 */
export function writeOutputFolder(
  dir: string,
  files: Record<string, string>,
  keep: (name: string) => boolean = () => false,
): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  for (const name of Object.keys(files))
    if (name.includes("/") || name.includes("\\") || name.startsWith(".") || !OUR_FILES.test(name))
      throw new Error(`bad output file name ${name}`);
  const old = existingOutput(dir, target);
  return writing(dir, () => {
    mkdirSync(parent, { recursive: true });
    cleanScratch(parent);
    const scratch = join(
      parent,
      `.${basename(target)}.metastable-tmp-${process.pid}-${Date.now().toString(36)}`,
    );
    mkdirSync(scratch);
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(scratch, name), content);
      // A hard link keeps the kept file in the old folder until the swap is done.
      for (const name of old)
        if (keep(name) && !(name in files)) linkSync(join(target, name), join(scratch, name));
      if (old.length === 0 && existsSync(target)) rmSync(target, { recursive: true });
      if (!existsSync(target)) renameSync(scratch, target);
      else {
        const retired = join(parent, `.${basename(target)}.metastable-old-${process.pid}`);
        renameSync(target, retired);
        renameSync(scratch, target);
        rmSync(retired, { recursive: true, force: true });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return Object.keys(files).map((name) => join(target, name));
  });
}

/** Writes one file so that no reader sees it half-written: a scratch file beside it, then a rename. */
export function writeFileAtomically(path: string, content: string): string {
  const target = resolve(path);
  return writing(path, () => {
    if (existsSync(target) && !statSync(target).isFile())
      throw new UsageError(`${path} exists and is not a file`);
    mkdirSync(dirname(target), { recursive: true });
    const scratch = join(dirname(target), `.${basename(target)}.metastable-tmp-${process.pid}`);
    try {
      writeFileSync(scratch, content);
      renameSync(scratch, target);
    } finally {
      rmSync(scratch, { force: true });
    }
    return target;
  });
}

/** Fails now, before hours of work, if `dir` could not take the output folder later. */
export function checkOutputFolder(dir: string): void {
  writing(dir, () => existingOutput(dir, resolve(dir)));
}

/** The names in an existing output folder, or a usage error when `target` must not be replaced. */
function existingOutput(dir: string, target: string): string[] {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(target);
  } catch {
    return [];
  }
  if (!stat.isDirectory()) throw new UsageError(`--out ${dir} exists and is not a folder; give a folder`);
  const names = readdirSync(target, { withFileTypes: true });
  const foreign = names.find((e) => !e.isFile() || !OUR_FILES.test(e.name));
  if (foreign)
    throw new UsageError(
      `--out ${dir} holds ${foreign.name}, which metastable did not write; give a new or empty folder (the output replaces the whole folder)`,
    );
  return names.map((e) => e.name);
}

/** Runs a write; file-system refusals (permissions, a full disk, a file in the way) are usage errors. */
function writing<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code))
      throw new UsageError(`cannot write ${path}: ${code} (${(e as Error).message.split(", ")[0]})`);
    throw e;
  }
}

/**
 * Removes scratch folders beside `parent`'s outputs that their writer left behind (killed while
 * writing); a retired old folder whose replacement never arrived is put back in its place.
 */
function cleanScratch(parent: string): void {
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (LEGACY_SCRATCH.test(name)) {
      if (Date.now() - statSync(path).mtimeMs > LEGACY_AGE_MS) rmSync(path, { recursive: true, force: true });
      continue;
    }
    const m = SCRATCH.exec(name);
    if (!m || alive(Number(m[3]))) continue;
    const home = join(parent, m[1]!);
    if (m[2] === "old" && !existsSync(home)) renameSync(path, home);
    else rmSync(path, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // an earlier write of this process that was interrupted
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
