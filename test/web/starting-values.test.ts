import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { analyseRun } from "../../src/analysis/analyse-run.js";
import { faultParams, INTERVENTION_KINDS, TRIGGER_KINDS } from "../../src/model/faults/fault.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { runScenario } from "../../src/scenario/run.js";
import { defaultRange, mapParams } from "../../web/src/map-params.js";
import { loadScenario, scenarioText, setAt, validation } from "../../web/src/scenario-store.js";
import { newChange, newComponent, PARAM_START } from "../../web/src/starting-values.js";
import { referenceFields } from "../../web/src/wiring.js";

const type = (t: string) => COMPONENT_TYPES.find((c) => c.type === t)!;
const optional = (s: z.ZodType) =>
  (s as unknown as { _zod: { def: { type: string } } })._zod.def.type === "optional";

describe("what new things start with", () => {
  it("has a starting value for every option without a default, for every component type", () => {
    for (const t of COMPONENT_TYPES) {
      const shape = (t.schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      const refs = referenceFields(t).map((r) => r.field);
      const required = Object.entries(shape)
        .filter(([k, s]) => !optional(s) && !refs.includes(k))
        .map(([k]) => k);
      expect(Object.keys(t.template).sort(), t.type).toEqual(required.sort());
    }
    for (const kind of [...TRIGGER_KINDS, ...INTERVENTION_KINDS])
      for (const p of faultParams(kind))
        if (!p.optional) expect(PARAM_START[p.name], `${kind}.${p.name}`).toBeDefined();
  });

  it("a scenario built from scratch (server, client, source) is valid and healthy", () => {
    loadScenario("name: scratch\nduration: 60\n", "scratch.yaml");
    const add = (t: string, name: string) => {
      const names = Object.values(validation.value.parsed?.spec ?? {}).flatMap((v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [],
      );
      setAt([type(t).section, name], newComponent(type(t), name, validation.value.parsed, names));
    };
    // Without a source the scenario does not build, but wiring is still tried on the parsed spec.
    add("server", "server");
    add("client", "client");
    add("source", "source");
    expect(validation.value.issues).toEqual([]);
    const parsed = parseScenarioText(scenarioText.value, "scratch.yaml");
    const spec = parsed.spec as unknown as Record<string, Record<string, { target?: string }>>;
    expect(spec.clients?.client?.target).toBe("server");
    expect(spec.sources?.source?.target).toBe("client");
    const verdict = analyseRun(parsed, runScenario(parsed)).result.verdict.kind;
    expect(verdict).toBe("stable");
  });

  it("a new trigger is valid: its parameters set and a target that takes it", () => {
    loadScenario(
      readFileSync(new URL("../../scenarios/retry-storm.yaml", import.meta.url), "utf8"),
      "r.yaml",
    );
    const targets = ["users", "client", "server"];
    for (const kind of TRIGGER_KINDS) {
      const change = newChange("triggers", kind, 30, validation.value.parsed, targets);
      setAt(["triggers"], [change]);
      const issues = validation.value.issues;
      // Kinds no component here can take (a cache flush) name the target; nothing else is wrong.
      expect(
        issues.every((i) => i.field.startsWith("triggers.0") && /needs a component/.test(i.message)),
        `${kind}: ${issues.map((i) => i.message).join("; ")}`,
      ).toBe(true);
    }
    expect(newChange("triggers", "spike", 30, validation.value.parsed, targets)).toEqual({
      kind: "spike",
      target: "users",
      at: 30,
      duration: 10,
      factor: 2,
    });
  });

  it("offers the map the scenario's numbers, with ranges around them", () => {
    const parsed = parseScenarioText(
      readFileSync(new URL("../../scenarios/retry-storm.yaml", import.meta.url), "utf8"),
      "r.yaml",
    );
    const params = mapParams(parsed.spec as unknown as Record<string, unknown>);
    expect(params[0]).toEqual({ path: "load", value: 1 });
    expect(params.map((p) => p.path)).toContain("clients.client.timeout");
    expect(params.map((p) => p.path)).toContain("sources.users.profile.steps.1.rate");
    expect(params.map((p) => p.path)).not.toContain("seed");
    expect(defaultRange({ path: "clients.client.timeout", value: 0.5 })).toEqual({ from: 0.25, to: 1 });
    expect(defaultRange({ path: "servers.server.concurrency", value: 1 })).toEqual({ from: 1, to: 2 });
  });
});
