/**
 * A long command was stopped (Ctrl-C, or SIGTERM from a scheduler); finished work was kept. Exit
 * code 128 + the signal's number, as shells report it: 130 for SIGINT, 143 for SIGTERM.
 */
export class InterruptedError extends Error {
  override name = "InterruptedError";

  constructor(
    message: string,
    readonly signal: "SIGINT" | "SIGTERM" = "SIGINT",
  ) {
    super(message);
  }
}
