import { describe, expect, it } from "vitest";
import type { FaultSpec } from "../../src/model/faults/fault.js";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import { ScenarioError, type ScenarioIssue } from "../../src/scenario/scenario-error.js";

const base = (extra: string) => `
name: faults
seed: 3
duration: 40
drain: 5
sources:
  users: { target: client, arrivals: even, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server, timeout: 1, maxAttempts: 2 }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.1 } }
${extra}`;

function refuse(text: string): ScenarioIssue {
  try {
    buildModel(parseScenarioText(text, "f.yaml"));
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues[0]!;
    throw e;
  }
  throw new Error("accepted");
}

describe("triggers and interventions in scenario files", () => {
  it("refuses a fault aimed at a component without the capability", () => {
    const issue = refuse(base("triggers:\n  - { kind: flush, target: server, at: 5 }\n"));
    expect(issue.field).toBe("triggers.0.target");
    expect(issue.message).toMatch(/flush needs a component that supports it; "server" is a server/);
    expect(issue.line).toBe(13);
  });

  it("refuses faults scheduled outside the run", () => {
    expect(refuse(base("triggers:\n  - { kind: pause, target: server, at: 50, duration: 1 }\n")).field).toBe(
      "triggers.0.at",
    );
    const late = refuse(base("triggers:\n  - { kind: pause, target: server, at: 44, duration: 3 }\n"));
    expect(late.field).toBe("triggers.0.duration");
    expect(late.message).toMatch(/after the run ends \(45\)/);
  });

  it("refuses unknown kinds, interventions listed as triggers, and durations on instant kinds", () => {
    expect(refuse(base("triggers:\n  - { kind: meteor, target: server, at: 1 }\n")).message).toMatch(
      /expected one of spike, pause/,
    );
    expect(refuse(base("triggers:\n  - { kind: restart, target: server, at: 1 }\n")).field).toBe(
      "triggers.0.kind",
    );
    expect(
      refuse(base("triggers:\n  - { kind: crash, target: server, at: 1, duration: 2 }\n")).message,
    ).toMatch(/instant/);
    expect(refuse(base("triggers:\n  - { kind: pause, target: server, at: 1 }\n")).field).toBe(
      "triggers.0.duration",
    );
    expect(
      refuse(base("triggers:\n  - { kind: pause, target: nobody, at: 1, duration: 1 }\n")).message,
    ).toMatch(/no component named "nobody"/);
    expect(
      refuse(base("triggers:\n  - { kind: spike, target: users, at: 1, duration: 1, factor: -2 }\n")).field,
    ).toBe("triggers.0.factor");
    const noFactor = refuse(base("triggers:\n  - { kind: spike, target: users, at: 1, duration: 1 }\n"));
    expect(noFactor.field).toBe("triggers.0.factor");
    expect(noFactor.message).toMatch(/missing required field \(expected a number\)/);
    expect(
      refuse(base("triggers:\n  - { kind: pause, target: server, at: 1, duration: 1, rate: 0.5 }\n")).message,
    ).toMatch(/takes no rate/);
  });

  it("each kind takes its own parameters, and a section only its own kinds", () => {
    const trigger = refuse(
      base("triggers:\n  - { kind: cutLoad, target: users, at: 1, duration: 1, fraction: 0.5 }\n"),
    );
    expect(trigger.field).toBe("triggers.0.kind");
    expect(trigger.message).toBe(
      "expected one of spike, pause, slowdown, capacityLoss, errors, unreachable, crash, flush",
    );
    const intervention = refuse(base("interventions:\n  - { kind: crash, target: server, at: 1 }\n"));
    expect(intervention.message).toBe("expected one of cutLoad, rateLimit, restart, warmCache, rampLoad");
    const other = refuse(
      base(
        "interventions:\n  - { kind: cutLoad, target: users, at: 1, duration: 1, fraction: 0.5, factor: 2 }\n",
      ),
    );
    expect([other.field, other.message]).toEqual(["interventions.0.factor", "a cutLoad takes no factor"]);
    const instant = refuse(
      base("interventions:\n  - { kind: restart, target: server, at: 1, duration: 2 }\n"),
    );
    expect([instant.field, instant.message]).toEqual([
      "interventions.0.duration",
      "a restart is instant and takes no duration",
    ]);
    expect(refuse(base("interventions:\n  - { kind: rampLoad, target: users, at: 1 }\n")).field).toBe(
      "interventions.0.duration",
    );
    // The same in the type: a union by kind (these lines fail to compile if it is not).
    const ok: FaultSpec[] = [
      { kind: "spike", target: "users", at: 1, duration: 1, factor: 3 },
      { kind: "crash", target: "server", at: 2 },
    ];
    // @ts-expect-error a pause takes no rate
    const pauseWithRate: FaultSpec = { kind: "pause", target: "server", at: 1, duration: 1, rate: 0.5 };
    // @ts-expect-error a crash is instant
    const crashWithDuration: FaultSpec = { kind: "crash", target: "server", at: 1, duration: 1 };
    // @ts-expect-error a spike needs its factor
    const spikeWithoutFactor: FaultSpec = { kind: "spike", target: "users", at: 1, duration: 1 };
    expect([ok, pauseWithRate, crashWithDuration, spikeWithoutFactor]).toHaveLength(4);
  });

  it("bounds spike and slowdown factors at a million", () => {
    const spike = refuse(
      base("triggers:\n  - { kind: spike, target: users, at: 1, duration: 1, factor: 1e308 }\n"),
    );
    expect(spike.field).toBe("triggers.0.factor");
    expect(spike.message).toMatch(/<= 1000000/);
    expect(
      refuse(base("triggers:\n  - { kind: slowdown, target: server, at: 1, duration: 1, factor: 2e6 }\n"))
        .field,
    ).toBe("triggers.0.factor");
    expect(() =>
      buildModel(
        parseScenarioText(
          base("triggers:\n  - { kind: spike, target: users, at: 1, duration: 1, factor: 1e6 }\n"),
          "f.yaml",
        ),
      ),
    ).not.toThrow();
  });

  it("a spike multiplies offered load only while it lasts", () => {
    const out = runScenario(
      parseScenarioText(
        base("triggers:\n  - { kind: spike, target: users, at: 10, duration: 10, factor: 3 }\n"),
        "f",
      ),
    );
    const s = out.series;
    const mean = (a: number, b: number) => s.offered.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);
    expect(mean(0, 10)).toBeCloseTo(5, 0);
    expect(Math.abs(mean(10, 20) - 15)).toBeLessThan(2);
    expect(mean(25, 40)).toBeCloseTo(5, 0);
    expect(out.result.triggers).toEqual([{ kind: "spike", target: "users", start: 10, end: 20 }]);
  });

  it("a pause holds the server's work; a cutLoad intervention removes load", () => {
    const text = base(
      "triggers:\n  - { kind: pause, target: server, at: 10, duration: 2 }\ninterventions:\n  - { kind: cutLoad, target: users, at: 20, duration: 10, fraction: 1 }\n",
    );
    const out = runScenario(parseScenarioText(text, "f"));
    const s = out.series;
    expect(s.throughput[10]).toBe(0);
    expect(s.offered.slice(20, 30).every((x) => x === 0)).toBe(true);
    expect(s.offered[35]).toBeGreaterThan(0);
  });

  it("a crash loses queued work that clients then retry", () => {
    const text = base(
      "triggers:\n  - { kind: slowdown, target: server, at: 5, duration: 5, factor: 20 }\n  - { kind: crash, target: server, at: 9 }\n",
    );
    const out = runScenario(parseScenarioText(text, "f"));
    expect(out.result.componentStats.server!.dropped).toBeGreaterThan(0);
    const t = out.result.totals;
    expect(t.completions + t.gaveUp + t.inFlight).toBe(t.requests);
  });
});
