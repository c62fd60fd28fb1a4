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

/** The latency objective of `health:`. */
export const HEALTH_LATENCY_OPTIONS = {
  within: option.number({
    doc: "Seconds within which requests must complete.",
    required: true,
    min: 0,
    exclusiveMin: true,
    max: 1e9,
  }),
  quantile: option.number({
    doc: "Share of the requests that ended that must have completed within `within`; requests that timed out or gave up count as misses.",
    default: 0.99,
    min: 0,
    exclusiveMin: true,
    max: 1,
  }),
} as const;

/** The health rule of `health:`: what healthy means for the verdict (src/analysis/health.ts applies it). */
export const HEALTH_OPTIONS = {
  goodput: option.number({
    doc: "Goodput must be at least this share of offered load (and lease fleets must hold this share of their leases).",
    default: 0.7,
    min: 0,
    exclusiveMin: true,
    max: 1,
  }),
  latency: option.group(HEALTH_LATENCY_OPTIONS, {
    doc: "A latency objective: at least `quantile` of the requests that ended completed within `within` seconds.",
    defaultText: "none (latency is not judged)",
  }),
  errorRate: option.number({
    doc: "At most this share of the requests that ended may have failed (given up).",
    defaultText: "none (errors are not judged)",
    min: 0,
    max: 1,
  }),
  window: option.number({
    doc: "Length of the sliding stretch of the run judged at a time, in seconds.",
    default: 10,
    min: 0,
    exclusiveMin: true,
    max: 1e9,
  }),
  minRequests: option.integer({
    doc: "Fewest requests a stretch must offer to be judged on its own; a quieter stretch is pooled with the ones before it.",
    default: 20,
    min: 1,
    max: 1e9,
  }),
} as const;

/** The scenario-wide settings (name, description and faults are declared with the file format). */
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
  health: option.group(HEALTH_OPTIONS, {
    doc: "What healthy means for the verdict; the CLI's `--health` overrides it field by field.",
    defaultText: "each field at its default",
  }),
} as const;
