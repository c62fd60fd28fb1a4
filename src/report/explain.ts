import type { Verdict } from "../analysis/verdict.js";
import { metricLabel } from "./metric-names.js";

// The opening of every report: what happened, what pushed it, what kept it there, what to do,
// in sentences a manager can read. Reads only the verdict's public fields.

/** A change that was tried against the baseline, with its paired effect (variant - baseline, 95% intervals). */
export interface TriedMitigation {
  name: string;
  pStuck: { mean: number; low: number; high: number };
  goodputRatio: { mean: number; low: number; high: number };
}

/** One explained point: a short heading and a sentence or two. */
export interface Explanation {
  heading: string;
  text: string;
}

type VerdictFacts = Pick<
  Verdict,
  "kind" | "summary" | "triggers" | "stuckMetrics" | "drivers" | "timeToRecover" | "recoveredAfter"
> &
  Partial<Pick<Verdict, "loopsRunning">>;

const r2 = (x: number) => String(Number(x.toFixed(2)));
const pct = (x: number) => `${Math.round(x * 100)}`;
const list = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

const WHAT: Record<Verdict["kind"], string> = {
  stable: "The system absorbed the trigger: goodput kept up with the offered load throughout.",
  recovered: "The system degraded during the trigger and got healthy again once it was over.",
  metastable:
    "The system got stuck: it was still failing requests after the trigger had ended, although the load alone does not overload it.",
  unstable:
    "The system failed before any trigger: the load alone is more than it sustains, so this is overload, not a metastable failure.",
};

/**
 * The plain-language explanation of a verdict, plus the mitigations tried against it if there are
 * any. `label` names a metric for people (the run's own metric labels where known).
 */
export function explainVerdict(
  v: VerdictFacts,
  tried: readonly TriedMitigation[] = [],
  label: (metric: string) => string = (m) => metricLabel(m),
): Explanation[] {
  const out: Explanation[] = [];
  const recovered =
    v.kind === "recovered" && v.timeToRecover !== null
      ? ` It took ${r2(v.timeToRecover)} s after the trigger ended${v.recoveredAfter.length > 0 ? `, after ${list(v.recoveredAfter)}` : ""}.`
      : "";
  out.push({ heading: "What happened", text: `${WHAT[v.kind]}${recovered} (${v.summary})` });
  if (v.triggers.length > 0) {
    const t = v.triggers.map(
      (x) =>
        `${x.source === "load" ? "load above capacity" : `${x.kind} on ${x.target}`} from ${r2(x.start)} s to ${r2(x.end)} s`,
    );
    out.push({ heading: "What pushed it", text: `${capitalise(list(t))}.` });
  }
  // The loops the verdict saw still running say more than every metric still out of its range.
  const loop =
    v.kind === "unstable"
      ? v.drivers
      : v.kind === "metastable"
        ? v.loopsRunning?.length
          ? v.loopsRunning
          : v.stuckMetrics
        : [];
  if (loop.length > 0) {
    const names = list(loop.slice(0, 4).map(label));
    out.push({
      heading: "What kept it there",
      text:
        v.kind === "unstable"
          ? `The first signs of the collapse were in ${names}.`
          : `At the end of the run these were still far from their normal range: ${names}. They are the state of the loop that sustains the failure: as long as they stay there, the system keeps itself overloaded.`,
    });
  }
  if (tried.length > 0) {
    const lines = tried.map(
      (m) =>
        `${m.name}: P(stuck) ${signed(m.pStuck.mean * 100)} points [${pct(m.pStuck.low)}, ${pct(m.pStuck.high)}], goodput ${signed(m.goodputRatio.mean * 100)} points of offered load [${pct(m.goodputRatio.low)}, ${pct(m.goodputRatio.high)}]`,
    );
    const worked = tried.filter((m) => m.pStuck.high < 0 || m.goodputRatio.low > 0).map((m) => m.name);
    out.push({
      heading: "What to do",
      text: `${worked.length > 0 ? `Changes that helped (the whole 95% interval on the good side): ${list(worked)}.` : "None of the changes tried helped beyond the noise of the replications."} Effects against the baseline, 95% intervals: ${lines.join("; ")}.`,
    });
  } else if (v.kind === "metastable") {
    out.push({
      heading: "What to do",
      text: "Break the loop: bound retries (a retry budget or backoff with jitter), drop work whose caller has stopped waiting, or shed load until the loop state is back to normal. Measure a mitigation's effect by comparing it with this scenario (metastable compare).",
    });
  }
  return out;
}

function signed(x: number): string {
  const r = Math.round(x);
  return r > 0 ? `+${r}` : String(r);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
