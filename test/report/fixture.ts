import type { PhaseStats, RunOutput, RunSeries } from "../../src/scenario/run-result.js";

// A hand-made run: 20 s, a 9 req/s baseline, a 20 req/s spike from 10 s, sources stop at 16 s and
// the system drains until 20 s. Values come from formulas, so the fixture is the same everywhere.

const WINDOW = 1;
const PROBE = 0.5;
const END = 20;

function phase(
  label: string,
  start: number,
  end: number,
  offered: number,
  extra: Partial<PhaseStats>,
): PhaseStats {
  return {
    label,
    start,
    end,
    plannedPerSec: offered,
    offeredPerSec: offered,
    throughputPerSec: Math.min(offered, 10),
    goodputPerSec: Math.min(offered, 9.5),
    timeoutsPerSec: 0,
    retriesPerSec: 0,
    queueDepthMean: 1.25,
    queueDepthMax: 4,
    latencyP50: 0.12,
    latencyP99: 0.41,
    ...extra,
  };
}

function offeredAt(t: number): number {
  if (t < 10) return 9;
  if (t < 16) return 20;
  return 0;
}

function makeSeries(): RunSeries {
  const windowStarts = Array.from({ length: END / WINDOW }, (_, i) => i * WINDOW);
  const probeTimes = Array.from({ length: END / PROBE }, (_, i) => i * PROBE);
  const offered = windowStarts.map(offeredAt);
  const retries = windowStarts.map((t) => (t >= 11 && t < 18 ? 3 + (t % 3) : 0));
  const timeouts = windowStarts.map((t) => (t >= 11 && t < 18 ? 4 + (t % 2) : 0));
  const throughput = windowStarts.map((t, i) => (t < 18 ? Math.min(10, offered[i]! + retries[i]!) : 2));
  const goodput = windowStarts.map((t, i) => (t < 11 ? throughput[i]! : t < 18 ? 4.5 : 1));
  // The last window saw no completion: its mean latency is null and must show as a gap.
  const latencyMean = windowStarts.map((t) => (t === 19 ? null : t < 10 ? 0.1 + t / 1000 : 0.45));
  const latencyP50 = latencyMean.map((m) => (m === null ? null : m * 0.8));
  const latencyP99 = latencyMean.map((m) => (m === null ? null : m * 2.5));
  const depth = probeTimes.map((t) =>
    t < 10 ? 1 : t < 16 ? 1 + (t - 10) * 6 : Math.max(0, 37 - (t - 16) * 10),
  );
  return {
    probeInterval: PROBE,
    probeTimes,
    queueDepth: { server: depth },
    gauges: { "server.queueLength": depth, "server.inFlight": depth.map((d) => Math.min(d, 1)) },
    window: WINDOW,
    windowStarts,
    offered,
    throughput,
    goodput,
    timeouts,
    retries,
    attempts: offered.map((o, i) => o + retries[i]!),
    wasted: throughput.map((t, i) => Math.max(0, t - goodput[i]!)),
    totalQueue: depth,
    utilisation: depth.map((d) => Math.min(d, 1)),
    capacity: probeTimes.map(() => 10),
    healthyShare: [],
    errors: windowStarts.map(() => 0),
    gaveUp: windowStarts.map((t) => (t >= 11 && t < 18 ? 1 : 0)),
    abandoned: windowStarts.map(() => 0),
    inFlight: windowStarts.map(() => 0),
    busy: throughput.map((t) => t * 0.1),
    wastedBusy: throughput.map((t, i) => Math.max(0, t - goodput[i]!) * 0.1),
    errorBusy: windowStarts.map(() => 0),
    fastCompletions: [],
    workers: {
      server: {
        finished: throughput,
        wasted: throughput.map((t, i) => Math.max(0, t - goodput[i]!)),
        utilisation: depth.map((d) => Math.min(d, 1)),
      },
    },
    latencyMean,
    latencyP50,
    latencyP99,
    latencyHistogram: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({
      lower: i * 0.1,
      upper: (i + 1) * 0.1,
      count: i < 5 ? 40 - i * 7 : 12 - i,
    })),
  };
}

/** A small synthetic run used by every report test. */
export function fixtureOutput(): RunOutput {
  return {
    result: {
      scenario: "retry-storm",
      description: "A spike pushes a retrying client past capacity & the retries keep it there.",
      seed: 42,
      simulatedSeconds: END,
      wallSeconds: 0.0123,
      events: 4321,
      triggers: [],
      interventions: [],
      componentStats: { server: { served: 190, wasted: 20 } },
      components: [
        { name: "users", type: "source", settings: { rate: "9 req/s, then 20 req/s", stop: "16 s" } },
        { name: "client", type: "client", settings: { timeout: "0.5 s", retries: "4" } },
        { name: "server", type: "server", settings: { concurrency: "1", serviceTime: "exp(0.1 s)" } },
      ],
      capacityPerSec: 10,
      baseRatePerSec: 9,
      loopGauges: [],
      workers: [
        {
          name: "server",
          type: "server",
          finished: 190,
          served: 190,
          wasted: 20,
          busySeconds: 19,
          wastedBusySeconds: 2,
          errorBusySeconds: 0,
          utilisation: 0.9,
          queueMax: 37,
          queueAtEnd: 0,
        },
      ],
      callers: [
        {
          name: "client",
          type: "client",
          requests: 210,
          attempts: 260,
          attemptsPerRequest: 260 / 210,
          timeouts: 75,
          completions: 170,
          gaveUp: 25,
        },
      ],
      timeout: 0.5,
      totals: {
        requests: 210,
        attempts: 260,
        served: 190,
        completions: 170,
        timeouts: 75,
        retries: 50,
        gaveUp: 25,
        wasted: 20,
        errors: 0,
        inFlight: 15,
        abandoned: 0,
      },
      retryAmplification: 260 / 210,
      timeoutRate: 75 / 260,
      finalQueueDepth: 0,
      phases: [
        phase("baseline 9 req/s", 0, 10, 9, {}),
        phase("spike 20 req/s", 10, 16, 20, {
          timeoutsPerSec: 4.5,
          retriesPerSec: 3.5,
          queueDepthMean: 19,
          queueDepthMax: 37,
          latencyP50: 0.45,
          latencyP99: 0.5,
        }),
      ],
      drain: phase("drain", 16, 20, 0, { goodputPerSec: 1, latencyP50: null, latencyP99: null }),
      latency: { count: 170, mean: 0.21, p50: 0.14, p90: 0.45, p99: 0.49, max: 0.5 },
      attemptsPerCompletion: [
        { attempts: 1, count: 140 },
        { attempts: 2, count: 22 },
        { attempts: 3, count: 8 },
      ],
    },
    series: makeSeries(),
  };
}
