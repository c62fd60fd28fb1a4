import type { Redis } from "ioredis";
import { UsageError } from "./usage-error.js";

/** Seconds a first connection to Redis may take before we call it unreachable. */
export const CONNECT_TIMEOUT_SECONDS = 3;

/** Redis could not be reached (or was lost): bad input, exit code 2, no stack trace. */
export class RedisUnreachableError extends UsageError {
  override name = "RedisUnreachableError";
}

/** The URL with any password replaced by ***, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** Refuses anything but redis:// or rediss:// URLs, naming the flag. */
export function checkRedisUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new UsageError(`--redis must be a URL like redis://127.0.0.1:6379, got "${url}"`);
  }
  if (protocol !== "redis:" && protocol !== "rediss:")
    throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${redactUrl(url)}"`);
}

/**
 * Connects once with a short timeout and no retries, and PINGs: a URL that does not answer fails
 * here with the reason, instead of hanging a sweep or a worker on endless reconnects.
 */
export async function checkRedis(url: string, timeoutSeconds = CONNECT_TIMEOUT_SECONDS): Promise<void> {
  checkRedisUrl(url);
  let lastError: Error | undefined;
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutSeconds * 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on("error", (e: Error) => {
    lastError = e;
  });
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== "PONG") throw new Error(`PING answered ${pong}`);
  } catch (e) {
    const reason = (lastError ?? (e as Error)).message || String(e);
    throw new RedisUnreachableError(`cannot reach Redis at ${redactUrl(url)}: ${reason}`);
  } finally {
    client.disconnect();
  }
}

// ioredis and BullMQ are imported when first used, so commands that never touch Redis start
// without loading them (together they add about half a second to every start).

/**
 * A connection for BullMQ: commands wait through reconnects (BullMQ requires
 * maxRetriesPerRequest: null for its blocking reads), and errors go to `onError` instead of
 * ioredis's "unhandled error event" console noise.
 */
export async function openRedis(url: string, onError: (e: Error) => void = () => {}): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_SECONDS * 1000,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
  });
  client.on("error", onError);
  return client;
}
