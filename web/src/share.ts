// A shared URL carries the whole scenario text in its fragment (never sent to a server), compressed
// with the browser's own deflate and encoded base64url.

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** The URL fragment (`#s=...`) that encodes `text`. */
export async function encodeScenario(text: string): Promise<string> {
  const packed = await pipe(new TextEncoder().encode(text), new CompressionStream("deflate-raw"));
  return `#s=${toBase64Url(packed)}`;
}

/** The scenario text in a URL fragment made by encodeScenario; null when there is none or it is damaged. */
export async function decodeScenario(hash: string): Promise<string | null> {
  const m = /^#s=([\w-]+)$/.exec(hash);
  if (!m) return null;
  try {
    const bytes = await pipe(fromBase64Url(m[1]!), new DecompressionStream("deflate-raw"));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
