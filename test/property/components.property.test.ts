import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { CATALOG } from "../fuzz/hostile-scenario.js";
import { type ContractRun, replay, runContract } from "./contract.js";

/**
 * Every component passes the contract (test/property/contract.ts) in random variations of every
 * catalog scenario: another seed, lighter load (so the triggers are reached within the event
 * budget), extra client policies and another queue discipline. Each variation also checks that the
 * same seed gives the same trace, and that adding an unconnected source, client and server changes
 * no draw, event or counter of the original components (named random streams). Fast-check prints
 * the seed and path of a failure; the message carries the scenario to replay it.
 */

type Data = Record<string, unknown>;

/** Client options added to every client of a variation. */
const POLICIES: Data[] = [
  { retryBudget: { ratio: 0.1 } },
  { circuitBreaker: { failureThreshold: 0.5, window: 20, openFor: 2 } },
  { hedge: { after: 0.05 } },
  { deadline: 2 },
  { rateLimit: { perSecond: 50 } },
  { concurrencyLimit: { kind: "aimd" } },
  { backoff: { kind: "decorrelated", base: 0.01, cap: 1 } },
  { acceptLateResponses: true },
  { retryOnError: false },
];
const QUEUES: Data[] = [{ kind: "lifo" }, { kind: "adaptiveLifo" }, { kind: "codel" }];

/** An unconnected chain: a source, client and server of its own. */
const EXTRA = {
  sources: {
    "zz-source": { target: "zz-client", arrivals: "poisson", profile: { kind: "constant", rate: 2 } },
  },
  clients: { "zz-client": { target: "zz-server", timeout: 0.2, maxAttempts: 3 } },
  servers: { "zz-server": { concurrency: 2, serviceTime: { kind: "exponential", mean: 0.05 } } },
};

interface Variation {
  seed: number;
  load: number;
  policies: number[];
  queue: number | null;
  extraFirst: boolean;
}

const variationArb: fc.Arbitrary<Variation> = fc.record({
  seed: fc.nat({ max: 1_000_000 }),
  load: fc.constantFrom(1, 0.3, 0.1, 0.03),
  policies: fc.uniqueArray(fc.nat({ max: POLICIES.length - 1 }), { maxLength: 2 }),
  queue: fc.option(fc.nat({ max: QUEUES.length - 1 }), { nil: null }),
  extraFirst: fc.boolean(),
});

/** Scales every rate of a load profile. */
function scaleProfile(p: Data, f: number): Data {
  const out: Data = { ...p };
  for (const k of ["rate", "from", "to"]) if (typeof out[k] === "number") out[k] = (out[k] as number) * f;
  if (Array.isArray(out.steps))
    out.steps = (out.steps as Data[]).map((s) => ({ ...s, rate: (s.rate as number) * f }));
  if (Array.isArray(out.of)) out.of = (out.of as Data[]).map((q) => scaleProfile(q, f));
  return out;
}

const mapValues = (section: unknown, fn: (v: Data) => Data): Data =>
  Object.fromEntries(Object.entries((section ?? {}) as Record<string, Data>).map(([k, v]) => [k, fn(v)]));

function vary(data: Data, v: Variation): Data {
  const out: Data = { ...data, seed: v.seed };
  out.sources = mapValues(data.sources, (s) => ({ ...s, profile: scaleProfile(s.profile as Data, v.load) }));
  const added = Object.assign({}, ...v.policies.map((i) => POLICIES[i]));
  if (data.clients) out.clients = mapValues(data.clients, (c) => ({ ...c, ...added }));
  if (data.servers && v.queue !== null)
    out.servers = mapValues(data.servers, (s) => ({ ...s, queue: QUEUES[v.queue!] }));
  return out;
}

function withExtra(data: Data, first: boolean): Data {
  const out: Data = { ...data };
  for (const [section, extra] of Object.entries(EXTRA)) {
    const own = (data[section] ?? {}) as Data;
    out[section] = first ? { ...extra, ...own } : { ...own, ...extra };
  }
  return out;
}

/** Runs a variation, or returns null when its options are refused (some policy combinations are). */
function tryRun(data: Data, seed: number, maxEvents: number, until?: number): ContractRun | null {
  try {
    return runContract(stringify(data), seed, maxEvents, until);
  } catch (e) {
    if (e instanceof ScenarioError) return null;
    throw e;
  }
}

const MAX_EVENTS = 3000;
const covered = new Set<string>();

describe("component contract on variations of every catalog scenario", () => {
  for (const [i, entry] of CATALOG.entries()) {
    it(entry.file, () => {
      fc.assert(
        fc.property(variationArb, (v) => {
          const data = vary(entry.data, v);
          const note = replay(v.seed, data);
          const a = tryRun(data, v.seed, MAX_EVENTS);
          fc.pre(a !== null);
          for (const t of a!.types) covered.add(t);
          expect(a!.violations.slice(0, 5), note).toEqual([]);
          // Same seed, same trace.
          const again = runContract(stringify(data), v.seed, MAX_EVENTS);
          expect(again.trace, note).toEqual(a!.trace);
          expect(again.stats, note).toEqual(a!.stats);
          // An unconnected chain changes nothing of the original components, up to the same time.
          const until = a!.end;
          const b = runContract(
            stringify(withExtra(data, v.extraFirst)),
            v.seed,
            Number.POSITIVE_INFINITY,
            until,
          );
          const original = runContract(stringify(data), v.seed, Number.POSITIVE_INFINITY, until);
          expect(b.violations.slice(0, 5), note).toEqual([]);
          expect(
            b.trace.filter((line) => !line.includes(" zz-")),
            note,
          ).toEqual(original.trace);
          for (const name of Object.keys(original.stats))
            expect(b.stats[name], `${name}\n${note}`).toEqual(original.stats[name]);
        }),
        { seed: 7000 + i, numRuns: 2 },
      );
    });
  }

  it("the variations covered every component type", () => {
    expect([...covered].sort()).toEqual(COMPONENT_TYPES.map((t) => t.type).sort());
  });
});
