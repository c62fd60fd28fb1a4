import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";

/** A short SHA-256 digest (32 hex digits) of a value's canonical JSON. */
export function identityOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 32);
}
