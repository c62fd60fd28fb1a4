import type { HealthSpec } from "../scenario/build.js";
import type { RunOutput } from "../scenario/run-result.js";
import { HEALTH_LATENCY_OPTIONS, HEALTH_OPTIONS } from "../scenario/settings-options.js";

/**
 * What "healthy" means for a run: the user's rule, from the scenario's `health:` or the CLI. A
 * stretch of the run is healthy when every part of the rule that is set holds.
 */
export interface HealthRule {
  /** Goodput must be at least this share of offered load (and lease fleets hold this share of leases). */
  goodput: number;
  /**
   * Optional latency objective: at least `quantile` of the requests that ended must have completed
   * within `within` seconds; requests that timed out or gave up count as misses.
   */
  latency?: { quantile: number; within: number };
  /** Optional: at most this share of the requests that ended may have failed (given up). */
  errorRate?: number;
  /** Length of the sliding stretch judged, seconds. */
  window: number;
  /**
   * A stretch offering fewer requests than this is pooled with the stretches before it (up to
   * `maxPool` seconds) until it offers enough to judge.
   */
  minRequests: number;
  /** Longest stretch pooled for a low-traffic window, seconds. Default: 60. */
  maxPool: number;
}

/** The default rule (goodput at least 70% of offered load over sliding 10 s stretches), as `health:` declares it. */
export const DEFAULT_HEALTH: HealthRule = {
  goodput: HEALTH_OPTIONS.goodput.default,
  window: HEALTH_OPTIONS.window.default,
  minRequests: HEALTH_OPTIONS.minRequests.default,
  maxPool: 60,
};

/** Fills a health spec's defaults. */
export function healthRule(spec: HealthSpec | undefined, override: Partial<HealthRule> = {}): HealthRule {
  const rule: HealthRule = {
    ...DEFAULT_HEALTH,
    ...(spec?.goodput !== undefined && { goodput: spec.goodput }),
    ...(spec?.window !== undefined && { window: spec.window }),
    ...(spec?.minRequests !== undefined && { minRequests: spec.minRequests }),
    ...(spec?.errorRate !== undefined && { errorRate: spec.errorRate }),
    ...(spec?.latency !== undefined && {
      latency: {
        quantile: spec.latency.quantile ?? HEALTH_LATENCY_OPTIONS.quantile.default,
        within: spec.latency.within,
      },
    }),
    ...override,
  };
  rule.maxPool = Math.max(rule.maxPool, rule.window);
  return rule;
}

/** How one sliding stretch, ending with a given window, was judged. */
export interface WindowHealth {
  /** null: nothing to judge (no demand, or too little to tell and nothing waiting). */
  healthy: boolean | null;
  /** Goodput / offered over the stretch (capped at 1); null when nothing was offered. */
  ratio: number | null;
  /** What failed, in words, when unhealthy. */
  reason: string | null;
}

/**
 * Judges the sliding stretch ending with each window. A stretch with little traffic is pooled
 * with earlier windows until it offers `minRequests`; if even the pool is too small, it is judged
 * on what is left: unhealthy when goodput falls short while work is still waiting or in flight
 * (zero goodput with a queue is never healthy), healthy when goodput keeps up and nothing waits,
 * and not judged otherwise.
 */
export function judgeWindows(output: RunOutput, rule: HealthRule): WindowHealth[] {
  const s = output.series;
  const w = s.window;
  const k = Math.max(1, Math.round(rule.window / w));
  const pool = Math.max(k, Math.round(rule.maxPool / w));
  const probesPerWindow = s.probeInterval > 0 ? w / s.probeInterval : 1;
  // Backlog at the end of each window: calls waiting plus requests in flight.
  const backlogAt = (i: number) => {
    const probe = Math.min(s.totalQueue.length - 1, Math.round((i + 1) * probesPerWindow) - 1);
    const queued = probe >= 0 ? (s.totalQueue[probe] ?? 0) : 0;
    return queued + (s.inFlight[i] ?? 0);
  };
  const shareMean = (from: number, to: number) => {
    if (s.healthyShare.length === 0) return null;
    let sum = 0;
    let n = 0;
    for (
      let p = Math.floor(from * probesPerWindow);
      p < Math.min(s.healthyShare.length, to * probesPerWindow);
      p++
    ) {
      sum += s.healthyShare[p]!;
      n++;
    }
    return n > 0 ? sum / n : null;
  };
  return s.windowStarts.map((_, i) => {
    let offered = 0;
    let good = 0;
    let fast = 0;
    let ended = 0;
    let failed = 0;
    let j = i;
    const add = (x: number) => {
      const span = Math.min(w, output.result.simulatedSeconds - x * w);
      offered += s.offered[x]! * span;
      good += s.goodput[x]! * span;
      failed += s.gaveUp[x]! * span;
      ended += (s.goodput[x]! + s.gaveUp[x]!) * span;
      if (s.fastCompletions.length > 0) fast += s.fastCompletions[x]! * span;
    };
    for (; j >= 0 && j > i - k; j--) add(j);
    while (offered < rule.minRequests && j >= 0 && j > i - pool) add(j--);
    const first = j + 1;
    const share = shareMean(first, i + 1);
    if (share !== null && share < rule.goodput) {
      return {
        healthy: false,
        ratio: offered > 0 ? Math.min(1, good / offered) : null,
        reason: `only ${pct(share)} of hosts hold a lease`,
      };
    }
    if (offered <= 0) return { healthy: null, ratio: null, reason: null };
    const ratio = Math.min(1, good / offered);
    if (offered < rule.minRequests) {
      // Too few requests for a ratio to mean much: judge on what is left. Short of goodput with
      // work still waiting is unhealthy; enough goodput with nothing waiting is healthy.
      const backlog = backlogAt(i);
      if (ratio < rule.goodput && backlog > 0)
        return {
          healthy: false,
          ratio,
          reason: `goodput ${pct(ratio)} of a trickle of load while work waits`,
        };
      if (ratio >= rule.goodput && backlog === 0) return { healthy: true, ratio, reason: null };
      return { healthy: null, ratio, reason: null };
    }
    if (ratio < rule.goodput)
      return { healthy: false, ratio, reason: `goodput ${pct(ratio)} of offered load` };
    if (rule.latency && ended > 0 && fast / ended < rule.latency.quantile) {
      return {
        healthy: false,
        ratio,
        reason: `only ${pct(fast / ended)} of requests answered within ${rule.latency.within} s`,
      };
    }
    if (rule.errorRate !== undefined && ended > 0 && failed / ended > rule.errorRate) {
      return { healthy: false, ratio, reason: `${pct(failed / ended)} of requests failed` };
    }
    return { healthy: true, ratio, reason: null };
  });
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
