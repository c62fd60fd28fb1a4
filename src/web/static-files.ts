import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/**
 * The file under `root` that a URL path names, or null. Paths are normalised first, so `..` can
 * never climb out of `root`.
 */
export async function staticFile(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; type: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const relative = normalize(decoded).replace(/^([/\\])+/, "");
  if (relative.split(sep).includes("..")) return null;
  let path = join(root, relative);
  try {
    if ((await stat(path)).isDirectory()) path = join(path, "index.html");
    return { body: await readFile(path), type: TYPES[extname(path)] ?? "application/octet-stream" };
  } catch {
    return null;
  }
}
