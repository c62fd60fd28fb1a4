import { InvalidArgumentError } from "commander";

/** Parses an integer flag of at least `min`; the error names the flag and what it got. */
export function integerFlag(name: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`);
    }
    return n;
  };
}
