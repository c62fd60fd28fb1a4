import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { OptionError } from "../../../src/engine/option-error.js";
import { Simulation } from "../../../src/engine/simulation.js";
import { Client, type ClientOptions } from "../../../src/model/components/client.js";
import { Server, type ServerOptions } from "../../../src/model/components/server.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

function setup(client: ClientOptions, server: Partial<ServerOptions> & { service?: number } = {}) {
  const sim = new Simulation({ seed: 1 });
  const srv = new Server(sim, "s", { serviceTime: constant(server.service ?? 0.1), ...server });
  const cli = new Client(sim, "c", srv, client);
  const latencies: number[] = [];
  cli.onCompletion((l) => latencies.push(l));
  const at = (t: number) => sim.scheduleAt(t, { handleEvent: () => cli.request() });
  return { sim, srv, cli, latencies, at };
}

describe("client and server", () => {
  it("a fast server completes the request on the first attempt", () => {
    const { sim, srv, cli, latencies, at } = setup({ timeout: 1 });
    at(0);
    sim.run();
    expect(cli.stats).toMatchObject({ requests: 1, attempts: 1, completions: 1, timeouts: 0, inFlight: 0 });
    expect(srv.stats).toMatchObject({ served: 1, wasted: 0 });
    expect(latencies).toEqual([0.1]);
    // The cancelled timeout left nothing behind.
    expect(sim.pending).toBe(0);
  });

  it("a slow server: timeouts, retries up to maxAttempts, give-up, and wasted work", () => {
    const { sim, srv, cli, at } = setup({ timeout: 1, maxAttempts: 3 }, { service: 10 });
    at(0);
    sim.run();
    expect(cli.stats).toMatchObject({
      requests: 1,
      attempts: 3,
      retries: 2,
      timeouts: 3,
      gaveUp: 1,
      completions: 0,
    });
    expect(srv.stats.served).toBe(3);
    expect(srv.stats.wasted).toBe(3);
    expect(srv.stats.wastedBusySeconds).toBeCloseTo(30, 9);
  });

  it("latency counts from the first attempt", () => {
    // Attempt 1 waits behind a 1.5 s job and times out at 1; the retry is served at once after it.
    const { sim, cli, latencies, at } = setup({ timeout: 1, maxAttempts: 2 }, { service: 0.4 });
    at(0);
    at(0);
    at(0);
    sim.run();
    expect(cli.stats.completions + cli.stats.gaveUp).toBe(3);
    expect(Math.max(...latencies)).toBeGreaterThan(1);
  });

  it("retry amplification ceiling: with every attempt failing, attempts = (1 + R) x requests", () => {
    const R = 4;
    const { sim, cli, at } = setup({ timeout: 1, maxAttempts: R + 1 }, { service: 100, queueCapacity: 0 });
    // The first request occupies the only worker; every later attempt is rejected at once.
    at(0);
    for (let i = 1; i <= 50; i++) at(i * 0.01);
    sim.run({ until: 0.9 });
    const later = { requests: cli.stats.requests - 1, attempts: cli.stats.attempts - 1 };
    expect(later.attempts).toBe((1 + R) * later.requests);
    expect(cli.stats.gaveUp).toBe(50);
  });

  it("a full queue answers rejected; without retry on error the request gives up", () => {
    const { sim, srv, cli, at } = setup(
      { timeout: 10, retryOnError: false },
      { service: 1, queueCapacity: 1 },
    );
    at(0);
    at(0);
    at(0);
    sim.run();
    expect(srv.stats.rejected).toBe(1);
    expect(cli.stats).toMatchObject({ completions: 2, errors: 1, gaveUp: 1, attempts: 3 });
  });

  it("dropExpired skips work whose deadline passed while queued", () => {
    const { sim, srv, cli, at } = setup({ timeout: 1, maxAttempts: 1 }, { service: 0.6, dropExpired: true });
    at(0);
    at(0);
    at(0);
    sim.run();
    // Third call would start at 1.2 > deadline 1.0: dropped. Second starts at 0.6 and is served late.
    expect(srv.stats.expired).toBe(1);
    expect(srv.stats.served).toBe(2);
    expect(srv.stats.wasted).toBe(1);
    expect(cli.stats.completions).toBe(1);
  });

  it("acceptLateResponses completes a request from an earlier attempt's late answer", () => {
    const late = setup({ timeout: 0.5, maxAttempts: 5, acceptLateResponses: true }, { service: 0.8 });
    late.at(0);
    late.sim.run();
    expect(late.cli.stats.completions).toBe(1);
    expect(late.latencies).toEqual([0.8]);
    const strict = setup({ timeout: 0.5, maxAttempts: 2 }, { service: 0.8 });
    strict.at(0);
    strict.sim.run();
    expect(strict.cli.stats.completions).toBe(0);
    expect(strict.cli.stats.gaveUp).toBe(1);
  });

  it("backoff delays the retry", () => {
    const { sim, cli, latencies, at } = setup(
      { timeout: 1, maxAttempts: 2, backoff: { kind: "fixed", delay: 5 } },
      { service: 0.5 },
    );
    // The third request waits 1 s behind the first two and times out.
    at(0);
    at(0);
    at(0);
    sim.run();
    expect(cli.stats.retries).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeGreaterThanOrEqual(6);
  });

  it("every request ends exactly once", () => {
    const { sim, cli, at } = setup({ timeout: 0.3, maxAttempts: 3 }, { service: 0.25 });
    for (let i = 0; i < 200; i++) at(i * 0.05);
    sim.run({ until: 5 });
    const s = cli.stats;
    expect(s.completions + s.gaveUp + s.inFlight).toBe(s.requests);
    expect(s.inFlight).toBeGreaterThan(0);
    sim.run();
    expect(cli.stats.inFlight).toBe(0);
    expect(cli.stats.completions + cli.stats.gaveUp).toBe(200);
  });

  it("refuses bad options by name", () => {
    const sim = new Simulation();
    const path = (fn: () => unknown) => {
      try {
        fn();
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return (e as OptionError).path;
      }
    };
    expect(path(() => new Server(sim, "a", { serviceTime: constant(1), concurrency: 0 }))).toEqual([
      "concurrency",
    ]);
    expect(path(() => new Server(sim, "b", { serviceTime: constant(1), queueCapacity: -1 }))).toEqual([
      "queueCapacity",
    ]);
    const negative: Distribution = {
      label: "normal",
      mean: 1,
      min: Number.NEGATIVE_INFINITY,
      sample: () => 1,
    };
    expect(path(() => new Server(sim, "c", { serviceTime: negative }))).toEqual(["serviceTime"]);
    const srv = new Server(sim, "d", { serviceTime: constant(1) });
    expect(path(() => new Client(sim, "e", srv, { timeout: 0 }))).toEqual(["timeout"]);
    expect(path(() => new Client(sim, "f", srv, { maxAttempts: 1.5 }))).toEqual(["maxAttempts"]);
    expect(path(() => new Client(sim, "g", srv, { backoff: { kind: "fixed", delay: -2 } }))).toEqual([
      "backoff",
      "delay",
    ]);
  });
});
