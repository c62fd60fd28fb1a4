/**
 * A model outgrew a limit of the simulator itself (not a budget the scenario sets): more requests
 * in flight than a table can hold, say. It is the input's doing, so the CLI reports it as bad
 * input (exit 2) with the advice, not as an internal error.
 */
export class ModelLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelLimitError";
  }
}
