// Reports show metric names to people who did not write the code: "queue depth", not "queueDepth".
// A characteristic metric carries its own label; this names the rest (and older results).

const NAMES: Record<string, string> = {
  queueDepth: "queue depth",
  minQueueDelay: "standing queue delay (minimum per window)",
  retryRate: "retries per second",
  retryAmplification: "attempts per request (retry amplification)",
  timeoutRate: "share of attempts timing out",
  wastedFraction: "share of work nobody waited for",
  goodputRatio: "goodput / offered load",
  pStuck: "probability of getting stuck",
  timeToRecover: "time to recover",
  hitRate: "hit rate",
  latency: "latency",
  renewalLatency: "renewal latency",
  instances: "instances",
  healthyBackends: "healthy backends",
};

function words(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/**
 * A metric's name for people: known names get their phrase; a component gauge such as
 * `db.latency` reads "db latency"; anything else is split at its capitals.
 */
export function metricLabel(name: string, unit = ""): string {
  const dot = name.lastIndexOf(".");
  const field = name.slice(dot + 1);
  const label =
    NAMES[name] ?? (dot > 0 ? `${name.slice(0, dot)} ${NAMES[field] ?? words(field)}` : words(name));
  // Units the phrase does not already carry ("per second", "share", "x" are in the words).
  return UNITS.has(unit) ? `${label} (${unit})` : label;
}

const UNITS = new Set(["s", "calls"]);
