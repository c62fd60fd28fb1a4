import type { LoadProfile } from "../model/load/profile.js";

/** The highest rate the sources reach above their base load, and over which interval. */
export interface LoadPeak {
  rate: number;
  start: number;
  end: number;
}

/** The sources' base load: their rate at the start, or for a profile that starts from nothing, the first rate it reaches. */
export function startingLoad(
  profiles: LoadProfile[],
  profile: (t: number) => number,
  duration: number,
): number {
  const at0 = profile(0);
  if (at0 > 0) return at0;
  // A profile that starts from nothing: the first rate it reaches.
  const starts = profiles.flatMap((p) => p.segments.map((s) => s.start)).filter((t) => t < duration);
  for (const t of [...new Set(starts)].sort((a, b) => a - b)) if (profile(t) > 0) return profile(t);
  return 0;
}

/** The largest rate the sources reach above `base` before `duration`, and when; null for a flat load. */
export function peakOf(
  profiles: LoadProfile[],
  profile: (t: number) => number,
  base: number,
  duration: number,
): LoadPeak | null {
  const cuts = [...new Set(profiles.flatMap((p) => p.segments.flatMap((s) => [s.start, s.end])))]
    .filter((t) => t < duration)
    .sort((a, b) => a - b);
  let best: LoadPeak | null = null;
  for (let i = 0; i < cuts.length; i++) {
    const t = cuts[i]!;
    const rate = profile(t);
    if (rate > base * (1 + 1e-9) && (best === null || rate > best.rate)) {
      const end = cuts.slice(i + 1).find((u) => profile(u) !== rate) ?? duration;
      best = { rate, start: t, end: Math.min(end, duration) };
    }
  }
  return best;
}
