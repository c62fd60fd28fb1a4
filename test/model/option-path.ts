import { expect } from "vitest";
import { OptionError } from "../../src/engine/option-error.js";

/**
 * The option path an OptionError names when `fn` throws one, or null when `fn` accepts its
 * options. Anything else thrown fails the test: bad options must be refused by name.
 */
export function optionPath(fn: () => unknown): readonly (string | number)[] | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return (e as OptionError).path;
  }
}
