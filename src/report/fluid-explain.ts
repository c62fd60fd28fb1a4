import type { FluidAnalysis } from "../fluid/analyse.js";
import { formatNumber } from "./csv.js";
import type { Explanation } from "./explain.js";

// The fluid model's answer in sentences a manager can read: where the dangerous band of load is,
// where this load sits, what tips it, how it gets out, what to do. Opens the fluid report and
// explains a fluid check.

const num = (x: number) => formatNumber(x, 3);

/**
 * The plain-language reading of a fluid analysis at its load. `operatingLoad` is the load the
 * system runs at, when the analysis was made at a multiple of it (a fluid check's headroom).
 */
export function explainFluid(a: FluidAnalysis, operatingLoad = a.load): Explanation[] {
  const { low, high } = a.bistable;
  const states = a.equilibria.map((e) => e.kind);
  const healthyOnly = states.length > 0 && states.every((k) => k === "healthy");
  const overloaded = !states.includes("healthy");
  const band =
    low === null || high === null
      ? "The fluid model finds no stuck state at any load: no trigger can leave this system stuck."
      : high <= low
        ? `The fluid model finds one state at every load, so no trigger can leave a second one behind; above ${num(low)} req/s the queue grows without bound (overload).`
        : `Between ${num(low)} and ${num(high)} req/s the fluid model has two stable states, a healthy one and a stuck one: there a trigger that pushes the system far enough leaves it stuck after the trigger ends.`;
  const at =
    a.load === operatingLoad
      ? `At ${num(a.load)} req/s`
      : `At ${num(a.load)} req/s (${num(a.load / operatingLoad)} x the operating load of ${num(operatingLoad)} req/s)`;
  const here = healthyOnly
    ? `${at} the healthy state is the only one, so the system returns to it after any trigger.`
    : overloaded
      ? `${at} there is no healthy state: the load alone is more than the server sustains.`
      : `${at}, inside that band, the stuck state exists beside the healthy one. ${capitalise(a.tippingDisturbance.note)}.`;
  const out: Explanation[] = [{ heading: "What the model says", text: `${band} ${here}` }];
  if (!healthyOnly && !overloaded)
    out.push({ heading: "How it gets out", text: `${capitalise(a.recovery.note)}.` });
  out.push({
    heading: "What to do",
    text: healthyOnly
      ? low !== null && high !== null && high > low
        ? `Nothing at this load; the band starts at ${num(low)} req/s, ${num(low / operatingLoad)} x the operating load. Growth beyond it, or a change that moves the band down, makes the system metastable.`
        : "Nothing at this load: the model has no stuck state to fall into."
      : overloaded
        ? a.cache
          ? `Add database capacity or shed load: even a full cache leaves more misses than the database answers.`
          : "Add capacity or shed load: no retry policy makes an overloaded server healthy."
        : `Keep the operating load below ${num(low ?? 0)} req/s, or move the band up: ${remedies(a)} Solve the model again with --set to see where the band moves.`,
  });
  if (a.model.notModelled.length > 0)
    out.push({
      heading: "Left out",
      text: `The fluid model does not follow ${a.model.notModelled.join(", ")}; a simulation does.`,
    });
  return out;
}

/** What moves the band up, for the kind of loop the model found. */
function remedies(a: FluidAnalysis): string {
  const c = a.cache;
  if (c) {
    // After a flush every request misses: the misses alone against what the database answers.
    const flood = a.load / c.databaseCapacity;
    return `the loop here is the cold cache, not retries: after a flush every request misses, ${num(flood)} x what database "${c.database}" answers, so reads time out and the cache cannot refill. Warm the cache before it takes traffic (or bring the load back slowly after a flush), coalesce reads of the same key so a missing key costs one database read, shed load at the database so the reads it takes are answered in time to fill the cache, or add database capacity.`;
  }
  const chain = a.model.chain;
  if (chain && chain.length > 1) {
    const product = chain.reduce((p, h) => p * h.attemptsWhenFailing, 1);
    const retrying = chain.filter((h) => h.attemptsWhenFailing > 1).length;
    return `the retries of ${retrying} layers multiply (${chain.map((h) => h.attemptsWhenFailing).join(" x ")} = ${product} attempts at "${a.model.server}" per request once it times out): retry at one layer only, put a retry budget on every layer, pass the deadline down and drop work whose caller has stopped waiting, or add capacity at "${a.model.server}".`;
  }
  return "fewer attempts per request or a retry budget (less amplification), dropping work whose caller has stopped waiting, or more capacity.";
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
