import { describe, expect, it } from "vitest";
import { createDistribution } from "../../src/engine/distributions.js";
import { OptionError } from "../../src/engine/option-error.js";
import { type Handler, Simulation } from "../../src/engine/simulation.js";
import type { Caller, ReplyStatus, Service } from "../../src/model/call.js";
import { WindowCircuitBreaker } from "../../src/model/client-policies/circuit-breaker.js";
import { AimdConcurrencyLimit } from "../../src/model/client-policies/concurrency-limit.js";
import { FixedDeadline } from "../../src/model/client-policies/deadline.js";
import { TokenBucketRateLimiter } from "../../src/model/client-policies/rate-limit.js";
import { TokenRetryBudget } from "../../src/model/client-policies/retry-budget.js";
import { Client, type ClientOptions } from "../../src/model/components/client.js";
import { Server } from "../../src/model/components/server.js";
import { checkFault, INTERVENTION_KINDS } from "../../src/model/faults/fault.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { optionPath } from "./option-path.js";

/** How the scripted service answers call number `n` (from 0): after `delay` s with `status`, or never. */
type Script = (n: number) => { delay: number; status: ReplyStatus } | null;

/**
 * A service that answers by script, records every call it got, and fails the test if a call is
 * answered twice. `wanted` collects what each reply returned (was the answer still wanted?).
 */
class ScriptedService implements Service, Handler {
  readonly name = "scripted";
  readonly capacityPerSec = 10;
  readonly calls: { caller: Caller; token: number; deadline: number; at: number }[] = [];
  readonly wanted: boolean[] = [];
  private readonly answered = new Set<number>();
  constructor(
    private readonly sim: Simulation,
    private readonly script: Script,
  ) {}
  accept(caller: Caller, token: number, deadline: number): void {
    const n = this.calls.length;
    const plan = this.script(n);
    this.calls.push({ caller, token, deadline, at: this.sim.now });
    if (plan !== null) this.sim.schedule(plan.delay, this, 0, { n, status: plan.status });
  }
  handleEvent(_kind: number, data: unknown): void {
    const { n, status } = data as { n: number; status: ReplyStatus };
    if (this.answered.has(n)) throw new Error(`call ${n} answered twice`);
    this.answered.add(n);
    const { caller, token } = this.calls[n]!;
    this.wanted.push(caller.reply(token, status));
  }
}

function setup(options: ClientOptions, script: Script) {
  const sim = new Simulation({ seed: 1 });
  const svc = new ScriptedService(sim, script);
  const cli = new Client(sim, "c", svc, options);
  const latencies: number[] = [];
  cli.onCompletion((l) => latencies.push(l));
  const at = (...times: number[]) => {
    for (const t of times) sim.scheduleAt(t, { handleEvent: () => cli.request() });
  };
  return { sim, svc, cli, latencies, at };
}

const never: Script = () => null;
const ok =
  (delay: number): Script =>
  () => ({ delay, status: "ok" });

/** Every request ended once (or is still in flight), and sent attempts are the calls the service got. */
function expectConserved(cli: Client, svc: ScriptedService) {
  const s = cli.stats;
  expect(s.completions + s.gaveUp + s.inFlight).toBe(s.requests);
  expect(s.attempts).toBe(svc.calls.length);
}

describe("client policies: absent means off", () => {
  it("a client without them keeps exactly its original counters, settings and gauges", () => {
    const { cli } = setup({ timeout: 1 }, never);
    expect(Object.keys(cli.stats)).toEqual([
      "requests",
      "attempts",
      "retries",
      "timeouts",
      "errors",
      "completions",
      "gaveUp",
      "inFlight",
      "abandoned",
    ]);
    expect(Object.keys(cli.describe())).toEqual([
      "target",
      "timeout",
      "maxAttempts",
      "backoff",
      "retryOn",
      "acceptLateResponses",
    ]);
    expect(cli.gauges()).toEqual({ inFlight: 0 });
  });

  it("each policy adds only its own counter", () => {
    const keys = (o: ClientOptions) => Object.keys(setup(o, never).cli.stats).slice(9);
    expect(keys({ retryBudget: {} })).toEqual(["budgetDenied"]);
    expect(keys({ circuitBreaker: {} })).toEqual(["shortCircuited"]);
    expect(keys({ rateLimit: { perSecond: 1 } })).toEqual(["rateLimited"]);
    expect(keys({ concurrencyLimit: { kind: "aimd" } })).toEqual(["limited"]);
    expect(keys({ hedge: { after: 0.5 } })).toEqual(["hedges"]);
    expect(keys({ deadline: 2 })).toEqual(["deadlineExceeded"]);
  });
});

describe("retry budget", () => {
  it("token bucket: starts full, deposits ratio per request, accrues minPerSecond, caps at burst", () => {
    const b = new TokenRetryBudget({ ratio: 0.5, minPerSecond: 1, burst: 2 });
    expect(b.balance(0)).toBe(2);
    b.spend(0);
    b.spend(0);
    expect(b.allows(0)).toBe(false);
    b.deposit(0);
    expect(b.balance(0)).toBe(0.5);
    expect(b.allows(0.4)).toBe(false);
    expect(b.allows(0.5)).toBe(true);
    expect(b.balance(10)).toBe(2);
    b.deposit(10);
    expect(b.balance(10)).toBe(2);
  });

  it("retries only while the budget lasts; a refused retry gives up and is counted", () => {
    // Every attempt times out; 20 requests 1 s apart; budget: 2 to start, 0.25 per request, no accrual.
    const { sim, svc, cli, at } = setup(
      { timeout: 0.1, maxAttempts: 2, retryBudget: { ratio: 0.25, minPerSecond: 0, burst: 2 } },
      never,
    );
    at(...Array.from({ length: 20 }, (_, i) => i));
    sim.run();
    expect(cli.stats.gaveUp).toBe(20);
    // The full bucket pays for requests 0 and 1; then one retry in four (requests 4, 8, 12, 16).
    expect(cli.stats.retries).toBe(6);
    expect(cli.stats.budgetDenied).toBe(14);
    expectConserved(cli, svc);
  });
});

describe("circuit breaker", () => {
  it("opens at the failure fraction of a full window, half-opens after openFor, closes on probe success", () => {
    const b = new WindowCircuitBreaker({ failureThreshold: 0.5, window: 4, openFor: 2, halfOpenProbes: 2 });
    const t = b.sent(0);
    for (const okay of [true, false, true]) b.record(t, okay, 0);
    expect(b.state(0)).toBe("closed"); // only 3 outcomes so far
    b.record(t, false, 1);
    expect(b.state(1)).toBe("open");
    expect(b.allows(2.9)).toBe(false);
    // A late outcome from before it opened is ignored.
    b.record(t, true, 2.9);
    expect(b.state(3)).toBe("halfOpen");
    const p1 = b.sent(3);
    expect(b.allows(3)).toBe(true);
    const p2 = b.sent(3);
    expect(b.allows(3)).toBe(false);
    b.record(p1, true, 3.1);
    expect(b.state(3.1)).toBe("halfOpen");
    b.record(p2, true, 3.2);
    expect(b.state(3.2)).toBe("closed");
  });

  it("a failed probe reopens it; a withdrawn probe frees its slot", () => {
    const b = new WindowCircuitBreaker({ window: 1, openFor: 1 });
    b.record(b.sent(0), false, 0);
    expect(b.state(0.5)).toBe("open");
    const probe = b.sent(1);
    expect(b.allows(1)).toBe(false);
    b.release(probe);
    expect(b.allows(1)).toBe(true);
    b.record(b.sent(1), false, 1.5);
    expect(b.state(1.5)).toBe("open");
    expect(b.state(2.5)).toBe("halfOpen");
  });

  it("rounds the threshold up to whole failures (0.3 of 10 is 3)", () => {
    const b = new WindowCircuitBreaker({ failureThreshold: 0.3, window: 10 });
    const t = b.sent(0);
    for (let i = 0; i < 10; i++) b.record(t, i >= 3 || i === 0, 0);
    expect(b.state(0)).toBe("closed"); // 2 failures
    b.record(t, false, 0); // window now holds 3 failures
    expect(b.state(0)).toBe("open");
  });

  it("without probes it closes on the timer alone, and a new window must fill before it reopens", () => {
    // Window 4, threshold 0.5 (2 failures), open 2 s, no probes. Outcomes at 0-1: F, F, ok, ok trip
    // it when the 4th arrives at 1 (2 of 4 failed): open [1, 3). At 3 it is closed without any call
    // having been let through; its window starts empty, so three failures at 3.1-3.3 do not reopen
    // it and the fourth at 3.4 does (4 of 4): open [3.4, 5.4).
    const b = new WindowCircuitBreaker({ window: 4, failureThreshold: 0.5, openFor: 2, halfOpenProbes: 0 });
    expect(b.label).toBe("open at 0.5 of 4 failed, for 2 s, then closed");
    const t = b.sent(0);
    b.record(t, false, 0);
    b.record(t, false, 0.5);
    b.record(t, true, 0.8);
    expect(b.state(0.9)).toBe("closed");
    b.record(t, true, 1);
    expect(b.state(1)).toBe("open");
    expect(b.allows(2.99)).toBe(false);
    expect(b.state(3)).toBe("closed");
    expect(b.allows(3)).toBe(true);
    const u = b.sent(3);
    // An outcome from before the close is ignored.
    b.record(t, false, 3.05);
    for (const at of [3.1, 3.2, 3.3]) b.record(u, false, at);
    expect(b.state(3.35)).toBe("closed");
    b.record(u, false, 3.4);
    expect(b.state(3.4)).toBe("open");
    expect(b.state(5.39)).toBe("open");
    expect(b.state(5.4)).toBe("closed");
  });

  it("a timed breaker closes into a backlog; a probing one sends only its probe into it", () => {
    // A single-worker FIFO service taking 1 s a call. Four calls at 0 are answered at 1, 2, 3, 4,
    // after the 0.5 s timeout: four failures open the breaker (window 4, open 1 s) at 0.5.
    // Timed: closed at 1.5, so the calls at 1.5, 1.6 and 3 all join the queue (answered at 5, 6, 7);
    // their three timeouts do not fill the new window, so it stays closed. Probing: the probe at
    // 1.5 is the only call let through, the one at 1.6 is refused, the probe times out at 2.0 and
    // reopens it until 3.0, where the call at 3 is the next probe.
    for (const [probes, sent, refused] of [
      [0, [0, 0, 0, 0, 1.5, 1.6, 3], 0],
      [1, [0, 0, 0, 0, 1.5, 3], 1],
    ] as const) {
      let now = () => 0;
      let busyUntil = 0;
      const { sim, svc, cli, at } = setup(
        { timeout: 0.5, maxAttempts: 1, circuitBreaker: { window: 4, openFor: 1, halfOpenProbes: probes } },
        () => {
          busyUntil = Math.max(busyUntil, now()) + 1;
          return { delay: busyUntil - now(), status: "ok" };
        },
      );
      now = () => sim.now;
      at(0, 0, 0, 0, 1.5, 1.6, 3);
      sim.run({ until: 3.2 });
      expect(svc.calls.map((c) => c.at)).toEqual(sent);
      expect(cli.stats.shortCircuited).toBe(refused);
    }
  });

  it("fails attempts locally while open, sends no call, and lets a probe close it", () => {
    // Calls 0-3 fail at once; then the service is healthy.
    const { sim, svc, cli, at } = setup(
      {
        timeout: 1,
        maxAttempts: 1,
        circuitBreaker: { failureThreshold: 1, window: 4, openFor: 5, halfOpenProbes: 1 },
      },
      (n) => ({ delay: 0.01, status: n < 4 ? "error" : "ok" }),
    );
    at(0, 1, 2, 3, 4, 5, 6, 9, 10);
    sim.run();
    // 4 errors open it at 3.01; requests at 4, 5, 6 fail fast; the one at 9 is the probe, 10 is normal.
    expect(cli.stats.shortCircuited).toBe(3);
    expect(svc.calls.map((c) => c.at)).toEqual([0, 1, 2, 3, 9, 10]);
    expect(cli.stats).toMatchObject({ completions: 2, gaveUp: 7, errors: 4 });
    expectConserved(cli, svc);
  });
});

describe("hedging", () => {
  it("sends one extra attempt when the first is slow; the first ok answer wins, the other is wasted", () => {
    // Call 0 takes 0.8 s, call 1 (the hedge) 0.1 s.
    const { sim, svc, cli, latencies, at } = setup({ timeout: 1, hedge: { after: 0.2 } }, (n) => ({
      delay: n === 0 ? 0.8 : 0.1,
      status: "ok",
    }));
    at(0);
    sim.run();
    expect(cli.stats).toMatchObject({ attempts: 2, hedges: 1, retries: 0, completions: 1, timeouts: 0 });
    expect(latencies[0]).toBeCloseTo(0.3, 9);
    // The hedge's answer was wanted, the first attempt's (later) one was not.
    expect(svc.wanted).toEqual([true, false]);
    expect(sim.pending).toBe(0);
    expectConserved(cli, svc);
  });

  it("no hedge when the first attempt answers in time; a retry, not a hedge, follows an early error", () => {
    const fast = setup({ timeout: 1, hedge: { after: 0.2 } }, ok(0.1));
    fast.at(0);
    fast.sim.run();
    expect(fast.cli.stats).toMatchObject({ attempts: 1, hedges: 0, completions: 1 });
    const failing = setup({ timeout: 1, maxAttempts: 2, hedge: { after: 0.2 } }, (n) => ({
      delay: 0.05,
      status: n === 0 ? "rejected" : "ok",
    }));
    failing.at(0);
    failing.sim.run();
    expect(failing.cli.stats).toMatchObject({ attempts: 2, hedges: 0, retries: 1, completions: 1 });
  });

  it("waits for the hedge when the first attempt times out, and retries only when both failed", () => {
    const { sim, svc, cli, at } = setup({ timeout: 1, maxAttempts: 2, hedge: { after: 0.5 } }, never);
    at(0);
    sim.run();
    // First at 0, hedge at 0.5; first times out at 1 (hedge still out), hedge at 1.5, then one retry.
    expect(svc.calls.map((c) => c.at)).toEqual([0, 0.5, 1.5]);
    expect(cli.stats).toMatchObject({ attempts: 3, hedges: 1, retries: 1, timeouts: 3, gaveUp: 1 });
    expectConserved(cli, svc);
  });
});

describe("end-to-end deadline", () => {
  it("counts from the request's arrival", () => {
    expect(new FixedDeadline(2).deadlineFor(3)).toBe(5);
  });

  it("attempts carry min(own timeout, request deadline); no retry starts past it", () => {
    const { sim, svc, cli, at } = setup({ timeout: 1, maxAttempts: 5, deadline: 2.5 }, never);
    at(0);
    sim.run();
    expect(svc.calls.map((c) => [c.at, c.deadline])).toEqual([
      [0, 1],
      [1, 2],
      [2, 2.5],
    ]);
    expect(cli.stats).toMatchObject({ timeouts: 3, gaveUp: 1, deadlineExceeded: 1 });
    expect(sim.now).toBe(2.5);
  });

  it("a backoff that would carry the retry past the deadline gives up at once", () => {
    const { sim, cli, at } = setup(
      { timeout: 1, maxAttempts: 5, deadline: 1.5, backoff: { kind: "fixed", delay: 0.5 } },
      never,
    );
    at(0);
    sim.run();
    expect(cli.stats).toMatchObject({ attempts: 1, deadlineExceeded: 1, gaveUp: 1 });
    expect(sim.now).toBe(1);
  });

  it("a server with dropExpired sheds attempts whose request deadline passed while queued", () => {
    const sim = new Simulation({ seed: 1 });
    const srv = new Server(sim, "s", {
      serviceTime: createDistribution({ kind: "constant", value: 0.4 }),
      dropExpired: true,
    });
    const cli = new Client(sim, "c", srv, { timeout: 10, maxAttempts: 1, deadline: 1 });
    for (let i = 0; i < 5; i++) sim.scheduleAt(0, { handleEvent: () => cli.request() });
    sim.run();
    // Starts at 0, 0.4, 0.8 are within the 1 s deadline; the ones due at 1.2 and 1.6 are shed.
    expect(srv.stats).toMatchObject({ served: 3, expired: 2 });
  });
});

describe("rate limit", () => {
  it("token bucket on attempts: over the limit fails locally", () => {
    const { sim, svc, cli, at } = setup({ timeout: 1, rateLimit: { perSecond: 2, burst: 2 } }, ok(0.01));
    at(0, 0, 0, 0, 0, 0.5, 1);
    sim.run();
    // Two at 0 from the full bucket, one token back by 0.5, one more by 1.
    expect(svc.calls.map((c) => c.at)).toEqual([0, 0, 0.5, 1]);
    expect(cli.stats).toMatchObject({ rateLimited: 3, gaveUp: 3, completions: 4 });
    expectConserved(cli, svc);
  });

  it("setRateLimit switches a limit on at runtime and null switches it back off", () => {
    const { sim, svc, cli, at } = setup({ timeout: 1 }, ok(0.01));
    expect(
      checkFault(
        { kind: "rateLimit", target: "c", at: 1, duration: 1, perSecond: 1 },
        cli,
        10,
        INTERVENTION_KINDS,
      ).params,
    ).toEqual({ perSecond: 1 });
    sim.scheduleAt(1, { handleEvent: () => cli.setRateLimit(1) });
    sim.scheduleAt(2, { handleEvent: () => cli.setRateLimit(null) });
    at(0, 0, 1, 1, 1, 2, 2, 2);
    sim.run();
    expect(cli.stats.rateLimited).toBe(2);
    expect(svc.calls.length).toBe(6);
    expect(() => cli.setRateLimit(0)).toThrow(OptionError);
  });

  it("null returns to the configured limit", () => {
    const r = new TokenBucketRateLimiter({ perSecond: 1 }, 5);
    expect(r.burst).toBe(1);
    r.take(5);
    expect(r.allows(5.5)).toBe(false);
    expect(r.allows(6)).toBe(true);
    const { sim, svc, cli, at } = setup({ timeout: 1, rateLimit: { perSecond: 1, burst: 1 } }, ok(0.01));
    cli.setRateLimit(100);
    cli.setRateLimit(null);
    at(0, 0);
    sim.run();
    expect(svc.calls.length).toBe(1);
    expect(cli.stats.rateLimited).toBe(1);
  });
});

describe("AIMD concurrency limit", () => {
  it("grows by increase per limit's worth of successes while in use, shrinks by decrease on failure", () => {
    const l = new AimdConcurrencyLimit({
      kind: "aimd",
      initial: 4,
      min: 2,
      max: 5,
      increase: 1,
      decrease: 0.5,
    });
    for (let i = 0; i < 4; i++) l.sent();
    expect(l.allows()).toBe(false);
    l.settled("ok");
    expect(l.limit).toBeCloseTo(4.25, 9);
    l.settled("failed");
    expect(l.limit).toBeCloseTo(2.125, 9);
    l.settled("failed");
    expect(l.limit).toBe(2);
    // One in flight of a limit of 2: half in use, still grows.
    l.settled("ok");
    expect(l.limit).toBe(2.5);
    expect(l.inFlight).toBe(0);
    l.sent();
    l.settled("withdrawn");
    expect(l.limit).toBe(2.5);
  });

  it("an idle client does not inflate its limit", () => {
    const l = new AimdConcurrencyLimit({ kind: "aimd", initial: 10 });
    l.sent();
    l.settled("ok");
    expect(l.limit).toBe(10);
  });

  it("attempts over the limit fail locally; the limit is a gauge", () => {
    const { sim, svc, cli, at } = setup(
      { timeout: 1, maxAttempts: 1, concurrencyLimit: { kind: "aimd", initial: 2, min: 1, max: 4 } },
      never,
    );
    at(0, 0, 0, 0, 0);
    sim.run({ until: 0.5 });
    expect(cli.stats.limited).toBe(3);
    expect(svc.calls.length).toBe(2);
    expect(cli.gauges()).toEqual({ inFlight: 2, limit: 2 });
    sim.run();
    // Two timeouts: 2 x 0.9 x 0.9, floored at 1.
    expect(cli.gauges().limit).toBeCloseTo(1.62, 9);
    expectConserved(cli, svc);
  });
});

describe("option validation", () => {
  const make = (o: unknown) => () => {
    const sim = new Simulation();
    return new Client(sim, "c", new ScriptedService(sim, never), o as ClientOptions);
  };
  const cases: [unknown, (string | number)[]][] = [
    [{ retryBudget: { ratio: -0.1 } }, ["retryBudget", "ratio"]],
    [{ retryBudget: { minPerSecond: Number.NaN } }, ["retryBudget", "minPerSecond"]],
    [{ retryBudget: { burst: 0.5 } }, ["retryBudget", "burst"]],
    [{ circuitBreaker: { failureThreshold: 0 } }, ["circuitBreaker", "failureThreshold"]],
    [{ circuitBreaker: { failureThreshold: 1.5 } }, ["circuitBreaker", "failureThreshold"]],
    [{ circuitBreaker: { window: 2.5 } }, ["circuitBreaker", "window"]],
    [{ circuitBreaker: { openFor: 0 } }, ["circuitBreaker", "openFor"]],
    [{ circuitBreaker: { halfOpenProbes: -1 } }, ["circuitBreaker", "halfOpenProbes"]],
    [{ hedge: {} }, ["hedge", "after"]],
    [{ timeout: 1, hedge: { after: 1 } }, ["hedge", "after"]],
    [{ deadline: 0 }, ["deadline"]],
    [{ rateLimit: { perSecond: 0 } }, ["rateLimit", "perSecond"]],
    [{ rateLimit: { perSecond: 5, burst: 0 } }, ["rateLimit", "burst"]],
    [{ concurrencyLimit: { kind: "vegas" } }, ["concurrencyLimit", "kind"]],
    [{ concurrencyLimit: { kind: "aimd", min: 0 } }, ["concurrencyLimit", "min"]],
    [{ concurrencyLimit: { kind: "aimd", min: 5, max: 4 } }, ["concurrencyLimit", "max"]],
    [{ concurrencyLimit: { kind: "aimd", initial: 300 } }, ["concurrencyLimit", "initial"]],
    [{ concurrencyLimit: { kind: "aimd", increase: 0 } }, ["concurrencyLimit", "increase"]],
    [{ concurrencyLimit: { kind: "aimd", decrease: 0 } }, ["concurrencyLimit", "decrease"]],
  ];
  it.each(cases)("refuses %j at its path", (options, path) => {
    expect(optionPath(make(options))).toEqual(path);
  });

  it("the scenario layer names the file, line and field", () => {
    const text = readYaml().replace(
      "    backoff: { kind: none }\n",
      "    backoff: { kind: none }\n    retryBudget: { ratio: -1 }\n",
    );
    const issue = refusal(text);
    expect(issue.field).toBe("clients.client.retryBudget.ratio");
    expect(issue.line).toBe(text.split("\n").findIndex((l) => l.includes("retryBudget")) + 1);
    const typo = readYaml().replace(
      "    backoff: { kind: none }\n",
      "    hedge: { after: 0.1, afterr: 2 }\n",
    );
    expect(refusal(typo).message).toMatch(/afterr/);
  });
});

describe("all policies together", () => {
  const ALL: ClientOptions = {
    timeout: 0.3,
    maxAttempts: 4,
    backoff: { kind: "exponential", base: 0.05, cap: 1, jitter: "full" },
    retryBudget: { ratio: 0.05, minPerSecond: 0, burst: 3 },
    circuitBreaker: { failureThreshold: 0.6, window: 20, openFor: 1 },
    hedge: { after: 0.15 },
    deadline: 1,
    rateLimit: { perSecond: 35, burst: 5 },
    concurrencyLimit: { kind: "aimd", initial: 8, max: 30 },
  };

  /** A real server briefly overloaded, so every policy has something to do. */
  function run(seed: number) {
    const sim = new Simulation({ seed });
    const srv = new Server(sim, "s", {
      serviceTime: createDistribution({ kind: "exponential", mean: 0.05 }),
      concurrency: 2,
      dropExpired: true,
    });
    const cli = new Client(sim, "c", srv, ALL);
    const rng = sim.stream("test:arrivals");
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += -Math.log(1 - rng.next()) / (t > 10 && t < 15 ? 80 : 30);
      sim.scheduleAt(t, { handleEvent: () => cli.request() });
    }
    sim.scheduleAt(20, { handleEvent: () => srv.pause() });
    sim.scheduleAt(21, { handleEvent: () => srv.resume() });
    sim.run();
    return { cli, srv };
  }

  it("replays identically with the same seed, and differently with another", () => {
    const a = run(7);
    const b = run(7);
    expect(b.cli.stats).toEqual(a.cli.stats);
    expect(b.srv.stats).toEqual(a.srv.stats);
    expect(run(8).cli.stats).not.toEqual(a.cli.stats);
  });

  it("conserves requests and attempts, and every policy acted", () => {
    const { cli, srv } = run(7);
    const s = cli.stats;
    expect(s.inFlight).toBe(0);
    expect(s.completions + s.gaveUp).toBe(s.requests);
    expect(s.attempts).toBe(srv.stats.arrived);
    expect(srv.stats.served + srv.stats.expired).toBe(srv.stats.arrived);
    for (const key of ["budgetDenied", "shortCircuited", "hedges", "limited", "rateLimited"] as const)
      expect(s[key], key).toBeGreaterThan(0);
    // The local refusals that ended a request are part of the give-ups.
    expect(s.gaveUp).toBeGreaterThanOrEqual(s.shortCircuited! + s.limited! + s.rateLimited!);
  });
});

function readYaml(): string {
  return [
    "name: t",
    "duration: 10",
    "sources:",
    "  users: { target: client, profile: { kind: constant, rate: 1 } }",
    "clients:",
    "  client:",
    "    target: server",
    "    backoff: { kind: none }",
    "servers:",
    "  server: { serviceTime: { kind: constant, value: 0.1 } }",
    "",
  ].join("\n");
}

function refusal(text: string) {
  try {
    buildModel(parseScenarioText(text, "bad.yaml"));
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues[0]!;
    throw e;
  }
  throw new Error("scenario was accepted");
}

describe("attempt tokens", () => {
  it("an answer for a request that ended long ago is not wanted, even once its row is reused", () => {
    // Call 0 answers at 5 s; its request gave up at 1 s, and the request of 2 s took its row.
    const { sim, svc, cli, at } = setup({ timeout: 1, maxAttempts: 1, acceptLateResponses: true }, (n) =>
      n === 0 ? { delay: 5, status: "ok" } : null,
    );
    at(0, 2);
    sim.run();
    expect(svc.wanted).toEqual([false]);
    expect(cli.stats).toMatchObject({ requests: 2, completions: 0, gaveUp: 2, inFlight: 0 });
    expectConserved(cli, svc);
  });

  it('a "lost" call is no answer: the client waits for its timeout, then retries', () => {
    const { sim, svc, cli, latencies, at } = setup({ timeout: 1, maxAttempts: 2 }, (n) =>
      n === 0 ? { delay: 0.1, status: "lost" } : { delay: 0.1, status: "ok" },
    );
    at(0);
    sim.run();
    expect(svc.calls.map((c) => c.at)).toEqual([0, 1]);
    expect(svc.wanted).toEqual([false, true]);
    expect(cli.stats).toMatchObject({ timeouts: 1, retries: 1, completions: 1, errors: 0 });
    expect(latencies[0]).toBeCloseTo(1.1, 9);
  });

  it("requestOf names the request of every retry, and nothing once it ended", () => {
    const { sim, svc, cli, at } = setup({ timeout: 1, maxAttempts: 3 }, never);
    at(0, 0.5);
    const seen: number[][] = [];
    sim.scheduleAt(2.9, {
      handleEvent: () => seen.push(svc.calls.map((c) => cli.requestOf(c.token))),
    });
    sim.run();
    // Calls at 0, 0.5, 1, 1.5, 2, 2.5 alternate between the two requests.
    const [a, b] = [seen[0]![0]!, seen[0]![1]!];
    expect(a).not.toBe(b);
    expect(seen[0]).toEqual([a, b, a, b, a, b]);
    expect(svc.calls.map((c) => cli.requestOf(c.token))).toEqual([-1, -1, -1, -1, -1, -1]);
  });
});
