// `health:` is declared once (HEALTH_OPTIONS): the loader's checks, the defaults the verdict uses and
// docs/reference.md all come from that declaration. These tests read the documented defaults back
// out of the reference and check they are the ones used, on runs whose judgement is worked out by
// hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_HEALTH, healthRule, judgeWindows } from "../../src/analysis/health.js";
import { resolveSettings } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { runScenario } from "../../src/scenario/run.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";

const REFERENCE = readFileSync(join(import.meta.dirname, "..", "..", "docs", "reference.md"), "utf8");

/** The default column of the reference's row for `field`. */
function documentedDefault(field: string): string {
  const row = REFERENCE.split("\n").find((l) => l.startsWith(`| \`${field}\` |`));
  if (!row) throw new Error(`docs/reference.md has no row for ${field}`);
  return row.split(" | ")[2]!;
}

/**
 * One server of exactly 10 calls/s (constant 0.1 s, one worker), fed `rate` req/s at even spacing
 * by a client that never times out and never retries: goodput is 10/s, so a 10 s stretch offers
 * 10 x rate requests and 100 of them complete (give or take one at each end).
 */
function scenario(rate: number, health?: unknown) {
  const spec = {
    name: "health",
    duration: 60,
    ...(health !== undefined && { health }),
    sources: { load: { target: "c", profile: { kind: "constant", rate }, arrivals: "even" } },
    clients: { c: { target: "s", timeout: 1e6, maxAttempts: 1 } },
    servers: { s: { serviceTime: { kind: "constant", value: 0.1 } } },
  };
  return parseScenarioText(JSON.stringify(spec), "health.json");
}
/** Whether every full 10 s stretch (windows 9 on) is judged healthy, unhealthy, or mixed. */
function judged(rate: number, health?: unknown): boolean | "mixed" {
  const parsed = scenario(rate, health);
  const output = runScenario(parsed, { seed: 1 });
  const rule = healthRule(resolveSettings(parsed).health);
  const verdicts = new Set(
    judgeWindows(output, rule)
      .slice(9)
      .map((w) => w.healthy),
  );
  return verdicts.size === 1 ? ([...verdicts][0] as boolean) : "mixed";
}

describe("health: the documented defaults are the defaults used", () => {
  it("the reference documents goodput 0.7, window 10, minRequests 20, latency.quantile 0.99", () => {
    expect(documentedDefault("health.goodput")).toBe("0.7");
    expect(documentedDefault("health.window")).toBe("10");
    expect(documentedDefault("health.minRequests")).toBe("20");
    expect(documentedDefault("health.latency.quantile")).toBe("0.99");
    expect(documentedDefault("health.latency.within")).toBe("required");
  });

  it("a scenario without health: is judged with those values", () => {
    expect(DEFAULT_HEALTH).toMatchObject({ goodput: 0.7, window: 10, minRequests: 20 });
    expect(healthRule(resolveSettings(scenario(1)).health)).toMatchObject({
      goodput: 0.7,
      window: 10,
      minRequests: 20,
    });
  });

  it("a health: that leaves fields out gets them at the documented values", () => {
    const settings = resolveSettings(scenario(1, { latency: { within: 0.5 } }));
    expect(settings.health).toEqual({
      goodput: 0.7,
      window: 10,
      minRequests: 20,
      latency: { within: 0.5, quantile: 0.99 },
    });
  });

  // 10 req/s of goodput: 14 req/s offered is 0.714 (healthy at 0.7), 15 req/s is 0.667 (not).
  it("goodput left out is 0.7: 10 of 14 req/s is healthy, 10 of 15 is not", () => {
    expect(judged(14)).toBe(true);
    expect(judged(15)).toBe(false);
    expect(judged(14, { goodput: 0.75 })).toBe(false);
    expect(judged(15, { goodput: 0.65 })).toBe(true);
  });

  it("writing the documented defaults out judges every window the same as leaving them out", () => {
    const written = { goodput: 0.7, window: 10, minRequests: 20 };
    for (const rate of [2, 14, 15]) {
      const a = scenario(rate);
      const b = scenario(rate, written);
      const out = runScenario(a, { seed: 1 });
      expect(judgeWindows(out, healthRule(resolveSettings(b).health))).toEqual(
        judgeWindows(out, healthRule(resolveSettings(a).health)),
      );
    }
  });
});

describe("health: checks come from the declaration", () => {
  const refusal = (health: unknown) => {
    try {
      resolveSettings(scenario(1, health));
      return "accepted";
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      return e.issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    }
  };
  it("refuses each field out of its range, naming it", () => {
    expect(refusal({ goodput: 0 })).toBe("health.goodput: expected a number > 0 and <= 1, got 0");
    expect(refusal({ goodput: 1 })).toBe("accepted");
    expect(refusal({ errorRate: 1.5 })).toBe("health.errorRate: expected a number >= 0 and <= 1, got 1.5");
    expect(refusal({ minRequests: 2.5 })).toBe(
      "health.minRequests: expected an integer >= 1 and <= 1000000000, got 2.5",
    );
    expect(refusal({ window: -1 })).toBe("health.window: expected a number > 0 and <= 1000000000, got -1");
    expect(refusal({ latency: { within: 1, quantile: 1.2 } })).toBe(
      "health.latency.quantile: expected a number > 0 and <= 1, got 1.2",
    );
    expect(refusal({ latency: { quantile: 0.9 } })).toBe(
      "health.latency.within: missing required field (expected a number)",
    );
    expect(refusal({ latency: { within: 1 }, budget: 3 })).toBe('health.budget: unknown field "budget"');
  });
});
