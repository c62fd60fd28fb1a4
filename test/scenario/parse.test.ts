import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError, type ScenarioIssue } from "../../src/scenario/scenario-error.js";

const BASE = readFileSync(new URL("../../scenarios/retry-storm-seed.yaml", import.meta.url), "utf8");

/** Parses and builds `text`; returns the issues it was refused with (fails if it was accepted). */
function refuse(text: string): ScenarioIssue[] {
  try {
    buildModel(parseScenarioText(text, "bad.yaml"));
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.issues];
    throw e;
  }
  throw new Error("scenario was accepted");
}

function lineOf(text: string, needle: string): number {
  return text.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("scenario parsing and validation", () => {
  it("accepts the retry storm and fills defaults", () => {
    const model = buildModel(parseScenarioText(BASE, "retry-storm-seed.yaml"));
    expect(model.settings).toMatchObject({
      name: "retry-storm-seed",
      seed: 42,
      duration: 100,
      drain: 10,
      probeInterval: 0.1,
    });
    expect(model.workers[0]!.capacityPerSec).toBeCloseTo(10, 9);
    expect(model.clients[0]!.maxAttempts).toBe(5);
  });

  it("reads JSON as well", () => {
    const json = JSON.stringify({
      name: "j",
      duration: 1,
      sources: { s: { target: "c", profile: { kind: "constant", rate: 1 } } },
      clients: { c: { target: "v" } },
      servers: { v: { serviceTime: { kind: "constant", value: 0.1 } } },
    });
    expect(buildModel(parseScenarioText(json, "x.json")).settings.name).toBe("j");
  });

  it("names every unknown field of an entry, each at its own line", () => {
    const text = BASE.replace("    concurrency: 1", "    concurency: 1\n    queueCap: 5");
    expect(refuse(text).map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      `${lineOf(text, "concurency")} servers.server.concurency: unknown field "concurency"`,
      `${lineOf(text, "queueCap")} servers.server.queueCap: unknown field "queueCap"`,
    ]);
  });

  const cases: [string, string, string, RegExp][] = [
    [
      "unknown field",
      BASE.replace("    concurrency: 1", "    concurency: 1"),
      "servers.server.concurency",
      /unknown field/,
    ],
    [
      "negative rate",
      BASE.replace("{ at: 20, rate: 20 }", "{ at: 20, rate: -20 }"),
      "sources.users.profile.steps.1.rate",
      />= 0 and <= 1000000, got -20/,
    ],
    [
      "non-numeric rate",
      BASE.replace("{ at: 20, rate: 20 }", "{ at: 20, rate: fast }"),
      "sources.users.profile.steps.1.rate",
      /expected a number, got "fast"/,
    ],
    [
      "zero concurrency",
      BASE.replace("concurrency: 1", "concurrency: 0"),
      "servers.server.concurrency",
      /integer >= 1, got 0/,
    ],
    ["negative mean", BASE.replace("mean: 0.1 }", "mean: -0.1 }"), "servers.server.serviceTime.mean", /> 0/],
    [
      "dangling reference",
      BASE.replace("target: server", "target: db"),
      "clients.client.target",
      /no component named "db"; the components are: users, client, server/,
    ],
    ["missing field", BASE.replace("duration: 100\n", ""), "duration", /missing required field/],
    [
      "unknown distribution",
      BASE.replace("kind: exponential", "kind: gaussian"),
      "servers.server.serviceTime.kind",
      /expected one of/,
    ],
    [
      "steps out of order",
      BASE.replace("{ at: 60, rate: 7 }", "{ at: 10, rate: 7 }"),
      "sources.users.profile.steps.3.at",
      /increasing time order/,
    ],
  ];

  for (const [what, text, field, message] of cases) {
    it(`refuses ${what}, naming file, line and field`, () => {
      const [issue, ...rest] = refuse(text);
      expect(rest).toEqual([]);
      expect(issue!.file).toBe("bad.yaml");
      expect(issue!.field).toBe(field);
      expect(issue!.message).toMatch(message);
      expect(issue!.line).toBeGreaterThan(0);
    });
  }

  it("points at the line of the offending field", () => {
    const text = BASE.replace("concurrency: 1", "concurrency: 0");
    expect(refuse(text)[0]!.line).toBe(lineOf(text, "concurrency: 0"));
    const text2 = BASE.replace("{ at: 20, rate: 20 }", "{ at: 20, rate: -20 }");
    expect(refuse(text2)[0]!.line).toBe(lineOf(text2, "rate: -20"));
  });

  it("refuses percentiles out of order", () => {
    const text = BASE.replace(
      "serviceTime: { kind: exponential, mean: 0.1 }",
      "serviceTime: { kind: empirical, percentiles: [{ p: 0, value: 0.01 }, { p: 50, value: 0.2 }, { p: 40, value: 0.3 }, { p: 100, value: 1 }] }",
    );
    const [issue] = refuse(text);
    expect(issue!.field).toMatch(/^servers\.server\.serviceTime\.percentiles\.2/);
  });

  it("refuses text that is not YAML, with a position", () => {
    const [issue] = refuse("name: x\n  bad: [unclosed\n");
    expect(issue!.message).toMatch(/not valid YAML/);
    expect(issue!.line).toBeGreaterThan(0);
  });

  it("refuses a document that is not a mapping", () => {
    expect(refuse("- just\n- a list\n")[0]!.message).toMatch(/expected a mapping/);
    expect(refuse("")[0]!.message).toMatch(/expected a mapping/);
  });

  it("refuses an alias bomb without expanding it", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
    ].join("\n");
    expect(refuse(bomb)[0]!.message).toMatch(/cannot be read|alias/i);
  });

  const LAYOUT = "layout:\n  users: { x: 16, y: 16 }\n  server: { x: 356.5, y: -20 }\n";

  it("accepts a layout, which changes nothing the engine builds", () => {
    const parsed = parseScenarioText(`${BASE}${LAYOUT}`, "laid-out.yaml");
    expect(parsed.spec.layout).toEqual({ users: { x: 16, y: 16 }, server: { x: 356.5, y: -20 } });
    expect(buildModel(parsed).settings).toEqual(buildModel(parseScenarioText(BASE, "b.yaml")).settings);
  });

  const layoutCases: [string, string, string, string, RegExp][] = [
    [
      "a layout coordinate that is not a number",
      LAYOUT.replace("x: 356.5", "x: right"),
      "x: right",
      "layout.server.x",
      /^expected a finite number, got "right"$/,
    ],
    [
      "an infinite layout coordinate",
      LAYOUT.replace("y: -20", "y: .inf"),
      "y: .inf",
      "layout.server.y",
      /^expected a finite number, got Infinity$/,
    ],
    [
      "a layout entry without y",
      LAYOUT.replace(", y: -20", ""),
      "server: { x",
      "layout.server.y",
      /^missing required field \(expected a finite number\)$/,
    ],
    [
      "an unknown layout field",
      LAYOUT.replace("y: 16 }", "y: 16, z: 1 }"),
      "z: 1",
      "layout.users.z",
      /unknown field "z"/,
    ],
    [
      "a layout entry for no component",
      LAYOUT.replace("server: {", "db: {"),
      "db: {",
      "layout.db",
      /^no component named "db"; the components are: users, client, server$/,
    ],
  ];

  for (const [what, layout, line, field, message] of layoutCases) {
    it(`refuses ${what}, naming file, line and field`, () => {
      const text = `${BASE}${layout}`;
      const [issue, ...rest] = refuse(text);
      expect(rest).toEqual([]);
      expect(issue).toMatchObject({ file: "bad.yaml", field, line: lineOf(text, line) });
      expect(issue!.message).toMatch(message);
    });
  }

  it("refuses a duplicate component name", () => {
    const text = BASE.replace(
      "servers:\n  server:",
      "servers:\n  server:\n    serviceTime: { kind: constant, value: 1 }\n  server:",
    );
    expect(refuse(text)[0]!.message).toMatch(/not valid YAML.*unique|Map keys must be unique/i);
  });
});
