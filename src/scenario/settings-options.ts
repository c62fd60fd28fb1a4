import { option } from "../model/options.js";

/** Default budgets that stop a runaway model. */
export const DEFAULT_LIMITS = { maxEvents: 200_000_000, maxWallSeconds: 600 } as const;

/** The budgets of `limits:`. */
export const LIMIT_OPTIONS = {
  maxEvents: option.integer({
    doc: "Event budget: the run stops with an error past it.",
    default: DEFAULT_LIMITS.maxEvents,
    min: 1,
  }),
  maxWallSeconds: option.number({
    doc: "Wall-clock budget in seconds.",
    default: DEFAULT_LIMITS.maxWallSeconds,
    min: 0,
    exclusiveMin: true,
  }),
} as const;

/** The scenario-wide numeric settings (name, description, health and faults are declared with the file format). */
export const SETTINGS_OPTIONS = {
  seed: option.integer({
    doc: "Root seed: the same seed gives the same run.",
    default: 1,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  }),
  duration: option.number({
    doc: "Seconds of offered load: sources offer load during [0, duration).",
    required: true,
    min: 0,
    exclusiveMin: true,
    max: 1e9,
  }),
  drain: option.number({
    doc: "Extra time after the sources stop, to watch the system drain.",
    default: 0,
    min: 0,
    max: 1e9,
  }),
  probeInterval: option.number({ doc: "Seconds between gauge probes.", default: 0.1, min: 1e-6, max: 1e9 }),
  window: option.number({
    doc: "Seconds per rate window in the series and charts.",
    default: 1,
    min: 1e-6,
    max: 1e9,
  }),
  limits: option.group(LIMIT_OPTIONS, { doc: "Budgets that stop a runaway model." }),
} as const;
