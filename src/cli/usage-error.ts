/** A command line that cannot be acted on (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}
