import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { createDistribution } from "../../../src/engine/distributions.js";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import { Client, type ClientOptions } from "../../../src/model/components/client.js";
import { LeaseFleet, type LeaseFleetOptions } from "../../../src/model/components/lease-fleet.js";
import { Server } from "../../../src/model/components/server.js";
import { buildModel } from "../../../src/scenario/build.js";
import { parseScenarioText } from "../../../src/scenario/parse.js";
import { ScenarioError } from "../../../src/scenario/scenario-error.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

function setup(
  fleet: Partial<LeaseFleetOptions> = {},
  client: ClientOptions = { timeout: 1, maxAttempts: 2 },
  server: { service?: Distribution; concurrency?: number } = {},
  seed = 1,
) {
  const sim = new Simulation({ seed });
  const store = new Server(sim, "store", {
    serviceTime: server.service ?? constant(0.01),
    concurrency: server.concurrency ?? 4,
  });
  const cli = new Client(sim, "c", store, client);
  const f = new LeaseFleet(sim, "f", cli, { hosts: 20, leaseDuration: 3, renewEvery: 1, ...fleet });
  f.start();
  return { sim, store, cli, f };
}

/** The fleet's requests and the client's agree: every request is outstanding or has ended. */
function expectConserved(f: LeaseFleet, cli: Client) {
  const asked = f.stats.renewals + f.stats.acquireRequests;
  // Requests held back by a rate limit may go stale and are then never sent.
  if (f.stats.throttled === 0) expect(cli.stats.requests).toBe(asked);
  else expect(cli.stats.requests).toBeLessThanOrEqual(asked);
  expect(cli.stats.completions + cli.stats.gaveUp + cli.stats.inFlight).toBe(cli.stats.requests);
  expect(f.outstandingRequests).toBe(cli.stats.inFlight);
  expect(f.stats.unattributed).toBe(0);
}

describe("lease fleet", () => {
  it("renews every lease on schedule while the store is healthy", () => {
    const { sim, cli, f } = setup();
    sim.run({ until: 10.425 });
    // 20 hosts, one slot a second each, host i first at (i + 1) / 20 s: 8 hosts have had 11 slots.
    expect(f.stats.due).toBe(208);
    expect(f.stats.renewals).toBe(208);
    expect(f.stats.renewed).toBe(208);
    expect(f.stats).toMatchObject({ expirations: 0, acquisitions: 0, renewalFailures: 0 });
    expect(f.gauges()).toMatchObject({ hostsWithLease: 20, expiredHosts: 0 });
    expect(cli.stats.requests).toBe(208);
    expectConserved(f, cli);
  });

  it("leases lapse while the store is unreachable and are re-acquired with acquireCost requests each", () => {
    const { sim, store, cli, f } = setup({ acquireCost: 3, acquireBackoff: { kind: "fixed", delay: 1 } });
    sim.run({ until: 2 });
    store.setReachable(false);
    sim.run({ until: 10 });
    expect(f.hostsWithLease).toBe(0);
    expect(f.stats.expirations).toBe(20);
    expect(f.stats.renewalFailures).toBeGreaterThan(0);
    // Each host retried its acquisition about once a second, each failing at once.
    expect(f.stats.acquisitionFailures).toBeGreaterThan(20 * 4);
    expectConserved(f, cli);
    store.setReachable(true);
    const before = { ...f.stats };
    sim.run({ until: 15 });
    expect(f.hostsWithLease).toBe(20);
    expect(f.stats.reacquisitions).toBe(20);
    expect(f.stats.acquireRequests - before.acquireRequests).toBe(3 * 20);
    sim.run({ until: 20 });
    expect(f.stats.expirations).toBe(20);
    expectConserved(f, cli);
  });

  it("renewalLatency follows the answers, and the oldest unanswered request once answers stop", () => {
    const { sim, store, f } = setup({}, { timeout: 5, maxAttempts: 1 });
    sim.run({ until: 5 });
    // Alone on a 4-worker store with 10 ms service: each renewal takes 10 ms.
    expect(f.gauges().renewalLatency).toBeCloseTo(0.01, 9);
    store.pause();
    sim.run({ until: 7.5 });
    // Nothing has been answered for 2.5 s: the oldest outstanding renewal is that old.
    expect(f.gauges().renewalLatency).toBeGreaterThan(2.4);
    expect(f.gauges().renewalLatency).toBeLessThanOrEqual(2.5 + 1e-9);
  });

  it("a renewal that succeeds after its lease lapsed does not restore it", () => {
    // A slow store: the first renewals take 5 s, past the 3 s lease.
    const { sim, cli, f } = setup(
      { hosts: 2, acquireCost: 1 },
      { timeout: 20, maxAttempts: 1 },
      { service: constant(2.5), concurrency: 1 },
    );
    sim.run({ until: 30 });
    expect(f.stats.lateRenewals).toBeGreaterThan(0);
    expect(f.stats.expirations).toBeGreaterThan(0);
    expect(f.stats.reacquisitions).toBeGreaterThan(0);
    expectConserved(f, cli);
  });

  it("a rate limit holds requests back and lets them out in order", () => {
    const { sim, cli, f } = setup({ hosts: 50 });
    sim.run({ until: 5 });
    const sent = cli.stats.requests;
    f.setRateLimit(10);
    sim.run({ until: 15 });
    expect(cli.stats.requests - sent).toBeLessThanOrEqual(10 * 10 + 1);
    expect(f.stats.throttled).toBeGreaterThan(0);
    f.setRateLimit(null);
    sim.run({ until: 60 });
    expect(f.hostsWithLease).toBe(50);
    expectConserved(f, cli);
  });

  it("replays identically with the same seed, and the renewal spread draws from its own stream", () => {
    const run = (seed: number) => {
      const { sim, store, cli, f } = setup(
        {
          hosts: 100,
          renewSpread: 0.3,
          acquireBackoff: { kind: "exponential", base: 0.5, cap: 5, jitter: "full" },
        },
        { timeout: 0.5, maxAttempts: 3 },
        { service: createDistribution({ kind: "exponential", mean: 0.02 }) },
        seed,
      );
      sim.run({ until: 5 });
      store.setReachable(false);
      sim.run({ until: 12 });
      store.setReachable(true);
      sim.run({ until: 40 });
      return JSON.stringify([f.stats, cli.stats, store.stats]);
    };
    expect(run(4)).toBe(run(4));
    expect(run(4)).not.toBe(run(5));
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const cli = new Client(sim, "c", new Server(sim, "s", { serviceTime: constant(1) }));
    const path = (options: Record<string, unknown>) => {
      try {
        new LeaseFleet(sim, "f", cli, {
          hosts: 10,
          leaseDuration: 30,
          renewEvery: 10,
          ...options,
        } as LeaseFleetOptions);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return (e as OptionError).path;
      }
    };
    expect(path({ hosts: 0 })).toEqual(["hosts"]);
    expect(path({ hosts: 1.5 })).toEqual(["hosts"]);
    expect(path({ renewEvery: 0 })).toEqual(["renewEvery"]);
    expect(path({ leaseDuration: 10 })).toEqual(["leaseDuration"]);
    expect(path({ renewSpread: 1 })).toEqual(["renewSpread"]);
    expect(path({ acquireCost: 0 })).toEqual(["acquireCost"]);
    expect(path({ acquireBackoff: { kind: "fixed", delay: -1 } })).toEqual(["acquireBackoff", "delay"]);
    expect(path({})).toBeNull();
  });

  it("in a scenario, its target must be a client", () => {
    const text = `
name: t
duration: 1
sources: { s: { target: c, profile: { kind: constant, rate: 1 } } }
clients: { c: { target: db } }
leaseFleets:
  f:
    target: db
    hosts: 3
    leaseDuration: 30
    renewEvery: 10
servers: { db: { serviceTime: { kind: constant, value: 0.1 } } }
`;
    try {
      buildModel(parseScenarioText(text, "t.yaml"));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).issues[0]).toMatchObject({ field: "leaseFleets.f.target", line: 8 });
    }
  });
});
