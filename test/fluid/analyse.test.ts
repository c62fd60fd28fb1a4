import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { FluidRefusal } from "../../src/fluid/fluid-refusal.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

const ROOT = join(import.meta.dirname, "..", "..");
const scenario = (file: string) =>
  parseScenarioText(readFileSync(join(ROOT, "scenarios", file), "utf8"), `scenarios/${file}`);
const text = (extra: string) =>
  parseScenarioText(
    `name: t
duration: 60
sources:
  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 9.3 } }
clients:
  client: { target: server, timeout: 4, maxAttempts: 4 }
servers:
  server:
    serviceTime: { kind: exponential, mean: 0.1 }
${extra}`,
    "t.yaml",
  );

describe("analyseScenarioFluid on gc-pause (70% load, a 1 s pause tips it)", () => {
  const a = analyseScenarioFluid(scenario("gc-pause.yaml"));

  it("finds the band around the scenario's load and all three states at it", () => {
    expect(a.load).toBe(70);
    expect(a.bistable.low).toBeCloseTo(100 / 3, 6);
    expect(a.bistable.high!).toBeGreaterThan(70);
    expect(a.equilibria.map((e) => e.kind)).toEqual(["healthy", "saddle", "stuck"]);
  });

  it("needs a push beyond the saddle: tipping lies between the healthy state and about the saddle", () => {
    const [healthy, saddle] = a.equilibria;
    const push = a.tippingDisturbance.queue!;
    expect(push).toBeGreaterThan(0);
    // Adding calls also raises the orbit later, so a little less than the saddle's distance can do.
    expect(push).toBeLessThan(2 * (saddle!.queue! - healthy!.queue!));
    expect(a.tippingDisturbance.spikeRate).toBe(140);
    expect(a.tippingDisturbance.seconds!).toBeGreaterThan(0);
  });

  it("follows the pause into the stuck state, and drains below the recovery load", () => {
    const last = a.trajectory[a.trajectory.length - 1]!;
    expect(last.queue).toBeGreaterThan(1000);
    expect(a.recovery.load).toBeCloseTo(100 / 3, 6);
    expect(a.recovery.seconds!).toBeGreaterThan(0);
    // The queue drains at capacity less 3 attempts per request: about from.queue / (100 - 3 x 16.7).
    expect(a.recovery.seconds!).toBeCloseTo(a.recovery.from!.queue / (100 - 50), -1);
  });

  it("draws a separatrix through the saddle", () => {
    const saddle = a.equilibria[1]!;
    expect(a.portrait.separatrix.length).toBeGreaterThan(10);
    expect(a.portrait.separatrix).toContainEqual([saddle.queue!, saddle.orbit!]);
  });

  it("is deterministic: the same scenario gives the same JSON", () => {
    expect(JSON.stringify(analyseScenarioFluid(scenario("gc-pause.yaml")))).toBe(JSON.stringify(a));
  });
});

describe("the DesCartes / Metafor example (9.3 req/s, 10 req/s server, queue 100, timeout 4 s, 4 attempts)", () => {
  it("has no healthy equilibrium: it tips by itself", () => {
    const a = analyseScenarioFluid(text("    queueCapacity: 100\n"));
    expect(a.equilibria.map((e) => e.kind)).toEqual(["stuck"]);
    expect(a.equilibria[0]!.queue!).toBeGreaterThan(95);
    expect(a.bistable.high!).toBeLessThan(9.3);
    expect(a.tippingDisturbance).toMatchObject({ queue: 0, seconds: 0 });
  });
});

describe("refusals", () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(FluidRefusal);
      return (e as Error).message;
    }
    throw new Error("expected a refusal");
  };

  it("names a component type it does not cover, at its line", () => {
    expect(refusal(() => analyseScenarioFluid(scenario("lease-renewal-storm.yaml")))).toMatch(
      /^scenarios\/lease-renewal-storm\.yaml:\d+:\d+: leaseFleets\.dwfm: lease fleet "dwfm" is not covered: .*lockstep/,
    );
  });

  it("names the option it does not model", () => {
    expect(
      refusal(() =>
        analyseScenarioFluid(
          parseScenarioText(
            readFileSync(join(ROOT, "scenarios", "retry-storm.yaml"), "utf8").replace(
              "acceptLateResponses: true",
              "circuitBreaker: { failureThreshold: 0.5 }",
            ),
            "cb.yaml",
          ),
        ),
      ),
    ).toMatch(/clients\.client\.circuitBreaker: client "client": a circuit breaker/);
    expect(refusal(() => analyseScenarioFluid(text("    queue: { kind: lifo }\n")))).toMatch(
      /servers\.server\.queue\.kind: .*lifo queue is not modelled/,
    );
  });

  it("reports a scenario error the simulator would report, not a refusal, for a bad option", () => {
    expect(() => analyseScenarioFluid(text("    concurrency: 0\n"))).toThrow(/concurrency/);
  });
});
