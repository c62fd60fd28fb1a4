import { describe, expect, it } from "vitest";
import type { Caller } from "../../src/model/call.js";
import type { Server } from "../../src/model/components/server.js";
import { runContract } from "./contract.js";

// The contract's own tests: each breaks a model on purpose and expects the violation reported.

const SCENARIO = `
name: contract
duration: 20
sources:
  users: { target: client, profile: { kind: constant, rate: 20 } }
clients:
  client: { target: server, timeout: 0.5, maxAttempts: 2 }
servers:
  server: { concurrency: 2, serviceTime: { kind: exponential, mean: 0.05 } }
`;

const run = (tamper: Parameters<typeof runContract>[5]) =>
  runContract(SCENARIO, 1, 100_000, Number.POSITIVE_INFINITY, 25, tamper);

describe("the component contract", () => {
  it("holds for the untouched model", () => {
    const r = run(undefined);
    expect(r.violations).toEqual([]);
    expect(r.stats.client!.requests).toBeGreaterThan(300);
  });

  it("reports a call answered twice", () => {
    const r = run((model) => {
      const server = model.workers[0]! as unknown as Server;
      const accept = server.accept.bind(server);
      let n = 0;
      server.accept = (caller: Caller, token: number, deadline: number) => {
        accept(caller, token, deadline);
        if (n++ === 7) caller.reply(token, "error");
      };
    });
    expect(r.violations.join("\n")).toMatch(/call \d+ answered twice/);
  });

  it("reports a request that is lost (neither completed, given up nor in flight)", () => {
    const r = run((model) => {
      model.sim.scheduleAt(5, { handleEvent: () => void model.clients[0]!.stats.inFlight-- });
    });
    expect(r.violations.join("\n")).toMatch(/client: requests \d+ != completions/);
  });

  it("reports a negative gauge and time going backwards", () => {
    const r = run((model) => {
      model.sim.scheduleAt(5, {
        handleEvent: () => {
          model.clients[0]!.stats.inFlight -= 1000;
          // A kernel bug in miniature: an event lands a second in the past.
          model.sim.now -= 1;
          model.sim.schedule(0, { handleEvent() {} });
        },
      });
    });
    const all = r.violations.join("\n");
    expect(all).toMatch(/client\.gauges\.inFlight = -/);
    expect(all).toMatch(/time went back/);
  });
});
