import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { allowedConnections, connectionProblem, referenceFields } from "../../web/src/wiring.js";

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
