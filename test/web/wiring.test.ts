import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import {
  allowedConnections,
  connectedValue,
  connectionProblem,
  referenceFields,
} from "../../web/src/wiring.js";

const type = (t: string) => COMPONENT_TYPES.find((c) => c.type === t)!;
const read = (file: string) =>
  parseScenarioText(readFileSync(new URL(`../../scenarios/${file}`, import.meta.url), "utf8"), file);

describe("the canvas's connections, derived from the registry", () => {
  it("finds the fields that name other components from the option declarations", () => {
    expect(referenceFields(type("source"))).toEqual([{ field: "target", list: false }]);
    expect(referenceFields(type("balancer"))).toEqual([{ field: "backends", list: true }]);
    expect(referenceFields(type("cache"))).toEqual([{ field: "target", list: false }]);
    expect(referenceFields(type("server"))).toEqual([]);
  });

  it("offers a source only clients, a client only things that take calls", () => {
    const parsed = read("retry-storm.yaml");
    const names = ["users", "client", "server"];
    const fromSource = allowedConnections(
      parsed,
      { section: "sources", name: "users", type: type("source") },
      names,
    );
    expect(fromSource.map((c) => c.to)).toEqual(["client"]);
    const fromClient = allowedConnections(
      parsed,
      { section: "clients", name: "client", type: type("client") },
      names,
    );
    expect(fromClient.map((c) => c.to)).toEqual(["server"]);
    expect(
      connectionProblem(
        parsed,
        { section: "sources", name: "users" },
        { field: "target", list: false },
        "server",
      ),
    ).toBe("users.target names a client (something that takes a source's requests); server is a server");
  });

  it("refuses an autoscaler anything but a balancer, and wiring cycles", () => {
    const parsed = read("autoscaling-lag.yaml");
    const scalers = Object.keys(parsed.spec.autoscalers ?? {});
    const balancer = Object.keys(parsed.spec.balancers ?? {})[0]!;
    const clientName = Object.keys(parsed.spec.clients ?? {})[0]!;
    const from = { section: "autoscalers", name: scalers[0]!, type: type("autoscaler") };
    const all = [balancer, clientName, ...Object.keys(parsed.spec.servers ?? {})];
    expect(allowedConnections(parsed, from, all).map((c) => c.to)).toEqual([balancer]);
    // The balancer's backends calling back into the client would forward calls for ever.
    const toClient = connectionProblem(
      parsed,
      { section: "balancers", name: balancer },
      { field: "backends", list: true },
      clientName,
    );
    expect(toClient).not.toBeNull();
  });
});

describe("a service's call steps on the canvas", () => {
  const multi = () => read("multi-tier-retry-storm.yaml");
  const names = ["users", "client", "api", "web", "db-pool", "db"];

  it("offers a service what takes calls, through a new call step", () => {
    // web may call the pool again (a second call step is allowed) or the database; not the source
    // or the client (they take no calls), not itself, not api (api calls web: a cycle).
    const from = allowedConnections(
      multi(),
      { section: "services", name: "web", type: type("service") },
      names,
    );
    expect(from).toEqual([
      { field: { field: "steps", list: true, step: true }, to: "db-pool" },
      { field: { field: "steps", list: true, step: true }, to: "db" },
    ]);
    expect(
      connectionProblem(
        multi(),
        { section: "services", name: "web" },
        { field: "steps", list: true, step: true },
        "api",
      ),
    ).toBe("wiring cycle: web -> api -> web would forward calls for ever");
    // The client is upstream of web too (client -> api -> web), so the cycle is what is said.
    expect(
      connectionProblem(
        multi(),
        { section: "services", name: "web" },
        { field: "steps", list: true, step: true },
        "client",
      ),
    ).toBe("wiring cycle: web -> client -> api -> web would forward calls for ever");
    // A client that is not upstream is refused for what it is: it takes a source's requests, not calls.
    const text = readFileSync(
      new URL("../../scenarios/multi-tier-retry-storm.yaml", import.meta.url),
      "utf8",
    );
    const spare = parseScenarioText(
      text.replace("clients:\n", "clients:\n  spare: { target: db }\n"),
      "multi-tier-retry-storm.yaml",
    );
    expect(
      connectionProblem(
        spare,
        { section: "services", name: "web" },
        { field: "steps", list: true, step: true },
        "spare",
      ),
    ).toBe("web.steps names something that takes calls; spare is a client");
  });

  it("finds a cycle through call steps from other components too", () => {
    // A pool in front of api would be called by api's own chain: api -> web -> db-pool -> api.
    expect(
      connectionProblem(
        multi(),
        { section: "pools", name: "db-pool" },
        { field: "backends", list: true },
        "api",
      ),
    ).toBe("wiring cycle: db-pool -> api -> web -> db-pool would forward calls for ever");
  });

  it("writes a connection as a call step after the existing steps", () => {
    const ref = { field: "steps", list: true, step: true } as const;
    const work = { kind: "work", serviceTime: { kind: "exponential", mean: 0.1 } };
    expect(connectedValue(ref, [work], "db")).toEqual([work, { kind: "call", target: "db" }]);
    expect(connectedValue(ref, undefined, "db")).toEqual([{ kind: "call", target: "db" }]);
    expect(connectedValue({ field: "backends", list: true }, ["a"], "b")).toEqual(["a", "b"]);
    expect(connectedValue({ field: "target", list: false }, "a", "b")).toBe("b");
  });
});
