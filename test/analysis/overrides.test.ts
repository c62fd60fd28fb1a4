import { describe, expect, it } from "vitest";
import { applyOverrides, parseOverride, parseOverrides } from "../../src/analysis/overrides.js";
import { baseRate } from "../../src/analysis/scale-load.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { PAUSE_STORM } from "../cli/cli-harness.js";

const spec = parseScenarioText(PAUSE_STORM, "pause.yaml").spec;

describe("--set overrides", () => {
  it("parses PATH=VALUE with the paths map axes take", () => {
    expect(parseOverride("clients.client.timeout=0.5")).toEqual({
      param: "clients.client.timeout",
      value: 0.5,
    });
    expect(parseOverride(" load=1.5 ")).toEqual({ param: "load", value: 1.5 });
    expect(parseOverride("triggers.0.duration=1e1")).toEqual({ param: "triggers.0.duration", value: 10 });
  });

  it("refuses what is not PATH=number, and a path given twice", () => {
    expect(() => parseOverride("clients.client.timeout")).toThrow(/must look like <param>=<value>/);
    expect(() => parseOverride("clients.client.timeout=fast")).toThrow(
      /must be a number or true\/false, got "fast"/,
    );
    expect(() => parseOverride("clients..timeout=1")).toThrow(/empty segment/);
    expect(() => parseOverride("load=-1")).toThrow(/load factor must be >= 0/);
    expect(() => parseOverrides(["load=1", "load=2"])).toThrow(/load is given twice/);
  });

  it("sets numbers without touching the input, and load scales every source", () => {
    const out = applyOverrides(spec, parseOverrides(["clients.client.maxAttempts=1", "load=2"]));
    expect((out.clients as Record<string, { maxAttempts: number }>).client!.maxAttempts).toBe(1);
    expect(baseRate(out)).toBe(10);
    expect((spec.clients as Record<string, { maxAttempts: number }>).client!.maxAttempts).toBe(5);
    expect(baseRate(spec)).toBe(5);
  });

  it("sets a switch to true or false, only where the file has a switch", () => {
    const out = applyOverrides(spec, parseOverrides(["servers.server.dropExpired=true"]));
    expect((out.servers as Record<string, { dropExpired: boolean }>).server!.dropExpired).toBe(true);
    expect(() => applyOverrides(spec, parseOverrides(["clients.client.timeout=true"]))).toThrow(
      /not true\/false/,
    );
    expect(() => applyOverrides(spec, parseOverrides(["servers.server.dropExpired=1"]))).toThrow(
      /not a number/,
    );
  });

  it("names the keys that exist when a path is wrong", () => {
    expect(() => applyOverrides(spec, [{ param: "clients.client.maxAtempts", value: 1 }])).toThrow(
      /clients.client has no "maxAtempts"; keys there: target, timeout, maxAttempts/,
    );
  });

  it("sets an option its component declares but the file leaves at its default, with its kind checked", () => {
    // PAUSE_STORM's client writes target, timeout and maxAttempts; retryOnError and deadline are
    // client options at their defaults, and queueCapacity a server option.
    const out = applyOverrides(
      spec,
      parseOverrides(["clients.client.retryOnError=false", "servers.server.queueCapacity=20"]),
    );
    const client = (out.clients as Record<string, Record<string, unknown>>).client!;
    expect(client.retryOnError).toBe(false);
    expect((out.servers as Record<string, Record<string, unknown>>).server!.queueCapacity).toBe(20);
    expect(Object.hasOwn((spec.clients as Record<string, object>).client!, "retryOnError")).toBe(false);
    expect(() => applyOverrides(spec, parseOverrides(["clients.client.retryOnError=3"]))).toThrow(
      /the client option retryOnError does not take a number, got 3/,
    );
    expect(() => applyOverrides(spec, parseOverrides(["servers.server.queueCapacity=true"]))).toThrow(
      /the server option queueCapacity does not take true\/false/,
    );
    // Only a component's own options: a nested one (the budget's ratio) must be written to be set.
    expect(() => applyOverrides(spec, parseOverrides(["clients.client.retryBudget.ratio=0.1"]))).toThrow(
      /clients.client has no "retryBudget"/,
    );
    // A typo still names the keys written and the options the component also takes.
    expect(() => applyOverrides(spec, parseOverrides(["clients.client.retryOnErorr=false"]))).toThrow(
      /keys there: target, timeout, maxAttempts; options a client also takes: .*retryOnError/,
    );
  });
});
