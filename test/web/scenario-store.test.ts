import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import {
  appendAt,
  loadScenario,
  placeComponent,
  removeComponent,
  renameComponent,
  scenarioText,
  validation,
} from "../../web/src/scenario-store.js";

const BASE = readFileSync(new URL("../../scenarios/retry-storm.yaml", import.meta.url), "utf8");

describe("the dashboard's layout edits", () => {
  beforeEach(() => loadScenario(BASE, "retry-storm.yaml"));

  it("a drop writes the place into layout, in whole units on the canvas", () => {
    placeComponent("server", { x: 301.6, y: -4 });
    expect(scenarioText.value).toContain("layout:\n  server: { x: 302, y: 0 }\n");
    expect(validation.value.issues).toEqual([]);
  });

  it("renaming a component renames its layout entry", () => {
    placeComponent("server", { x: 300, y: 40 });
    expect(renameComponent("servers", "server", "api")).toBeNull();
    expect(scenarioText.value).toContain("layout:\n  api: { x: 300, y: 40 }\n");
    expect(validation.value.issues).toEqual([]);
  });

  it("removing a component drops its layout entry, and layout once it is empty", () => {
    placeComponent("users", { x: 10, y: 10 });
    placeComponent("client", { x: 150, y: 10 });
    removeComponent("sources", "users");
    expect(scenarioText.value).toContain("layout:\n  client: { x: 150, y: 10 }\n");
    removeComponent("clients", "client");
    expect(scenarioText.value).not.toContain("layout");
    // Only the dangling references are left to fix, not the layout.
    expect(validation.value.issues.every((i) => !i.field.startsWith("layout"))).toBe(true);
  });
});

describe("renaming follows a service's call steps", () => {
  const MULTI = readFileSync(new URL("../../scenarios/multi-tier-retry-storm.yaml", import.meta.url), "utf8");

  it("renames `call` targets and `parallel` calls' targets", () => {
    // api's second step calls web; make web's call to the pool a parallel step to pool and db.
    const text = MULTI.replace(
      "      - kind: call\n        target: db-pool\n        timeout: 0.1\n        maxAttempts: 3\n        backoff: { kind: none }\n",
      "      - kind: parallel\n        calls:\n          - { target: db-pool, timeout: 0.1 }\n          - { target: db, timeout: 0.1 }\n        wait: first\n",
    );
    expect(text).not.toBe(MULTI);
    loadScenario(text, "multi.yaml");
    expect(validation.value.issues).toEqual([]);
    expect(renameComponent("services", "web", "frontend")).toBeNull();
    expect(scenarioText.value).toContain("      - kind: call\n        target: frontend\n");
    expect(renameComponent("servers", "db", "primary")).toBeNull();
    expect(scenarioText.value).toContain("          - { target: primary, timeout: 0.1 }\n");
    // The pool's backends follow as before.
    expect(scenarioText.value).toContain("backends: [ primary ]");
    expect(scenarioText.value).not.toMatch(/target: (web|db)[,\s]/);
    expect(validation.value.issues).toEqual([]);
  });
});

describe("a connection drawn on the canvas appends to a list", () => {
  const MULTI = readFileSync(new URL("../../scenarios/multi-tier-retry-storm.yaml", import.meta.url), "utf8");

  it("adds a call step after the service's steps, leaving them as written", () => {
    loadScenario(MULTI, "multi.yaml");
    appendAt(["services", "web", "steps"], { kind: "call", target: "db" });
    // web's steps: work, call db-pool (4 lines of options), then the new call.
    expect(scenarioText.value).toContain(
      "        backoff: { kind: none }\n      - { kind: call, target: db }\n\npools:",
    );
    // The comment on api's steps is still there.
    expect(scenarioText.value).toContain(
      "    # Thread per request: a worker is held while the call to web is out.\n",
    );
    expect(validation.value.issues).toEqual([]);
  });

  it("starts a list where there is none", () => {
    loadScenario(BASE, "retry-storm.yaml");
    appendAt(["servers", "server", "tags"], "a");
    expect(scenarioText.value).toMatch(/ {4}tags:\n {6}- a\n/);
  });
});
