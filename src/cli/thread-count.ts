import { availableParallelism } from "node:os";
import { InvalidArgumentError } from "commander";

/** Most threads a flag may ask for: four per core. Past that threads only share the cores, and each costs memory. */
export const MAX_THREADS = 4 * availableParallelism();

/** Parses a thread count flag (--workers, --concurrency): an integer from 1 to MAX_THREADS. */
export function threadCount(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS)
      throw new InvalidArgumentError(
        `${name} must be an integer from 1 to ${MAX_THREADS} (four threads per core of this machine), got "${value}"`,
      );
    return n;
  };
}
