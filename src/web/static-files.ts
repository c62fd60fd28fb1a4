import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, gzip } from "node:zlib";

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
): Promise<{ body: Buffer; type: string; path: string } | null> {
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
    return { body: await readFile(path), type: TYPES[extname(path)] ?? "application/octet-stream", path };
  } catch {
    return null;
  }
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

// Text worth compressing; images and fonts are compressed already.
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".map"]);
// Vite names built assets `name-<hash>.<ext>`: their content never changes under that name.
const HASHED = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

// Compressed bodies by encoding and content: the built app is a few files, compressed once each.
const compressed = new Map<string, Buffer>();

/**
 * A static file as the server answers it: compressed (brotli, else gzip) when the client accepts
 * it, and cacheable for a year when its name carries a content hash (index.html is revalidated).
 */
export async function staticResponse(
  root: string,
  urlPath: string,
  acceptEncoding: string,
): Promise<{ body: Buffer; headers: Record<string, string> } | null> {
  const file = await staticFile(root, urlPath);
  if (!file) return null;
  const headers: Record<string, string> = {
    "Content-Type": file.type,
    "Cache-Control": HASHED.test(urlPath) ? "public, max-age=31536000, immutable" : "no-cache",
    Vary: "Accept-Encoding",
  };
  if (!COMPRESSIBLE.has(extname(file.path)) || file.body.length < 1024) return { body: file.body, headers };
  const accepted = new Set(acceptEncoding.split(",").map((e) => e.split(";")[0]!.trim().toLowerCase()));
  const encoding = accepted.has("br") ? "br" : accepted.has("gzip") ? "gzip" : null;
  if (!encoding) return { body: file.body, headers };
  const key = `${encoding}:${createHash("sha1").update(file.body).digest("hex")}`;
  let body = compressed.get(key);
  if (!body) {
    // zlib's async calls run on libuv's thread pool, off the event loop.
    body = encoding === "br" ? await brotli(file.body) : await gzipped(file.body);
    compressed.set(key, body);
  }
  return { body, headers: { ...headers, "Content-Encoding": encoding } };
}
