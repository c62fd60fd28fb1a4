import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";

// The role contract, on every catalog scenario: whatever does work accounts for its work, and
// whatever calls accounts for every failed attempt (each is retried, given up, or still pending).
const FILES = readdirSync("scenarios").filter((f) => f.endsWith(".yaml"));
const REFUSALS = ["budgetDenied", "shortCircuited", "rateLimited", "limited"];

describe.each(FILES)("%s", (file) => {
  const parsed = parseScenarioText(readFileSync(`scenarios/${file}`, "utf8"), file);
  const out = runScenario(parsed, { seed: 1 });
  const r = out.result;

  it("every worker: finished >= served >= wasted >= 0, and its busy time covers waste and errors", () => {
    expect(r.workers.length).toBeGreaterThan(0);
    for (const w of r.workers) {
      expect(w.finished).toBeGreaterThanOrEqual(w.served);
      expect(w.served).toBeGreaterThanOrEqual(w.wasted);
      expect(w.wasted).toBeGreaterThanOrEqual(0);
      expect(w.busySeconds + 1e-6).toBeGreaterThanOrEqual(w.wastedBusySeconds + w.errorBusySeconds);
      expect(w.utilisation).toBeGreaterThanOrEqual(0);
      expect(w.utilisation).toBeLessThanOrEqual(1 + 1e-9);
    }
    // System throughput is the sum over every worker, databases and instance groups included.
    expect(r.totals.served).toBe(r.workers.reduce((n, w) => n + w.finished, 0));
  });

  it("every client: each failed attempt is retried, given up, or still pending", () => {
    for (const c of r.components.filter((x) => x.type === "client")) {
      const k = r.componentStats[c.name]!;
      const failures = k.timeouts! + k.errors!;
      const refused = REFUSALS.reduce((n, key) => n + (k[key] ?? 0), 0);
      // A refused first attempt gives up without a failure; nothing else ends a request unasked.
      expect(k.retries! + k.gaveUp!).toBeLessThanOrEqual(failures + refused);
      const simple = k.hedges === undefined && k.deadlineExceeded === undefined && refused === 0;
      if (simple && c.settings.backoff === "none") {
        // No wait between a failure and its retry: the only failures not yet followed by a
        // retry or a give-up are those of requests still in flight.
        expect(failures - (k.retries! + k.gaveUp!)).toBeGreaterThanOrEqual(0);
        expect(failures - (k.retries! + k.gaveUp!)).toBeLessThanOrEqual(k.inFlight!);
      }
      expect(k.completions! + k.gaveUp! + k.inFlight!).toBe(k.requests!);
    }
  });

  it("queue depth and capacity are series over the whole run", () => {
    expect(out.series.totalQueue.length).toBe(out.series.probeTimes.length);
    expect(out.series.capacity.length).toBe(out.series.probeTimes.length);
    expect(out.series.utilisation.every((u) => u >= 0 && u <= 1 + 1e-9)).toBe(true);
    expect(r.capacityPerSec).toBe(out.series.capacity[0]);
  });
});
