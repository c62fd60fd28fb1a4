import type { Axis } from "../analysis/axis.js";
import { SweepError } from "../analysis/param-path.js";
import type { Shard } from "../analysis/sweep.js";

// The map command's --x, --y and --shard flags, read into the sweep's own types.

/** Parses `<param>=<from>:<to>:<steps>` (e.g. `clients.api.timeout=0.2:2:10`), naming `flag` in errors. */
export function parseAxis(text: string, flag: string): Axis {
  const m = /^([^=\s]+)=([^:]*):([^:]*):([^:]*)$/.exec(text.trim());
  if (!m) throw new SweepError(`${flag} must look like <param>=<from>:<to>:<steps>, got "${text}"`);
  const [, param, fromText, toText, stepsText] = m;
  const number = (s: string, what: string) => {
    const n = Number(s);
    if (s.trim() === "" || !Number.isFinite(n))
      throw new SweepError(`${flag} ${param}: ${what} must be a number, got "${s}"`);
    return n;
  };
  const from = number(fromText!, "<from>");
  const to = number(toText!, "<to>");
  const steps = Number(stepsText);
  if (!/^\d+$/.test(stepsText!) || steps < 1)
    throw new SweepError(`${flag} ${param}: <steps> must be an integer >= 1, got "${stepsText}"`);
  if (from > to)
    throw new SweepError(`${flag} ${param}: the range ${from}:${to} is reversed (<from> > <to>)`);
  if (steps === 1 && from !== to)
    throw new SweepError(`${flag} ${param}: 1 step needs <from> = <to>, got ${from}:${to}`);
  if (steps > 1 && from === to)
    throw new SweepError(`${flag} ${param}: the range ${from}:${to} is empty; use 1 step for a single value`);
  if (steps > 10_000) throw new SweepError(`${flag} ${param}: at most 10000 steps, got ${steps}`);
  return { param: param!, from, to, steps };
}

/** Parses `i/n` with 1 <= i <= n. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new SweepError(`--shard must be i/n with 1 <= i <= n (e.g. 1/4), got "${text}"`);
  return { index, count };
}
