import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { drafts, setDraft } from "../../web/src/drafts.js";
import {
  historyDepth,
  loadScenario,
  redo,
  scenarioFile,
  scenarioText,
  setAt,
  undo,
  write,
} from "../../web/src/scenario-store.js";

const BASE = readFileSync(new URL("../../scenarios/retry-storm.yaml", import.meta.url), "utf8");
const GC = readFileSync(new URL("../../scenarios/gc-pause.yaml", import.meta.url), "utf8");

describe("undo and redo of scenario edits", () => {
  beforeEach(() => {
    // Empty the history from earlier tests.
    while (undo());
    loadScenario(BASE, "retry-storm.yaml");
  });

  it("undoes and redoes a form edit step by step", () => {
    setAt(["servers", "server", "concurrency"], 2);
    setAt(["servers", "server", "concurrency"], 3);
    expect(scenarioText.value).toContain("concurrency: 3");
    expect(undo()).toBe(true);
    expect(scenarioText.value).toContain("concurrency: 2");
    expect(undo()).toBe(true);
    expect(scenarioText.value).toBe(BASE);
    expect(redo()).toBe(true);
    expect(scenarioText.value).toContain("concurrency: 2");
  });

  it("a new edit after an undo drops the redo steps", () => {
    setAt(["servers", "server", "concurrency"], 2);
    undo();
    expect(historyDepth.value.redo).toBe(1);
    setAt(["seed"], 7);
    expect(historyDepth.value.redo).toBe(0);
    expect(redo()).toBe(false);
  });

  it("opening another scenario is undoable, with its file name", () => {
    loadScenario(GC, "gc-pause.yaml");
    expect(scenarioFile.value).toBe("gc-pause.yaml");
    undo();
    expect(scenarioFile.value).toBe("retry-storm.yaml");
    expect(scenarioText.value).toBe(BASE);
  });

  it("typing in one place is one step; typing elsewhere is another", () => {
    const before = historyDepth.value.undo;
    write(`${BASE}#a`, { group: "yaml" });
    write(`${BASE}#ab`, { group: "yaml" });
    expect(historyDepth.value.undo).toBe(before + 1);
    write(`${BASE}#abc`, { group: "other" });
    expect(historyDepth.value.undo).toBe(before + 2);
    undo();
    undo();
    expect(scenarioText.value).toBe(BASE);
  });

  it("forgets what was typed into scenario fields when the version changes", () => {
    setDraft("servers.server.concurrency", "abc");
    setDraft("analysis:map.replications", "0");
    setAt(["seed"], 3);
    expect(drafts.value.size).toBe(2);
    undo();
    expect([...drafts.value.keys()]).toEqual(["analysis:map.replications"]);
    setDraft("analysis:map.replications", null);
  });
});
