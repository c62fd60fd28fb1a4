/** The user stopped a long command (Ctrl-C); finished work was kept. Exit code 130, as shells use for SIGINT. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}
