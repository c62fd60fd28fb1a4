import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { cli, scratchWith } from "../cli/cli-harness.js";

// A file written before the vocabulary was made one (a downstream is `target`, a bounded queue is
// `queueCapacity`, a policy is `{ kind }` in camelCase) is refused with the new name, at its line.

const HEAD = `name: old
duration: 10
sources:
  s: { target: c, profile: { kind: constant, rate: 1 } }
clients:
  c: { target: a }
servers:
  a: { serviceTime: { kind: constant, value: 0.01 } }
`;

/** The formatted issues a file with `tail` appended gets. */
function issues(tail: string): string[] {
  try {
    parseScenarioText(HEAD + tail, "old.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split("\n");
    throw e;
  }
  return [];
}

describe("a file in the old spelling", () => {
  it.each([
    [
      "caches:\n  k: { database: a }\n",
      'old.yaml:10:18: caches.k.database: "database" is now called "target"',
    ],
    [
      "pools:\n  p: { backends: [a], maxWaiting: 3 }\n",
      'old.yaml:10:35: pools.p.maxWaiting: "maxWaiting" is now called "queueCapacity"',
    ],
    [
      "leaseFleets:\n  f: { target: c, hosts: 2, leaseDuration: 10, renewEvery: 3, jitter: 0.1 }\n",
      'old.yaml:10:71: leaseFleets.f.jitter: "jitter" is now called "renewSpread"',
    ],
  ])("names the new field: %j", (tail, expected) => {
    expect(issues(tail)).toEqual([expected]);
  });

  it.each([
    [
      "balancers:\n  b: { backends: [a], policy: round-robin }\n",
      'balancers.b.policy: a policy is written { kind: roundRobin }, got "round-robin"',
    ],
    [
      "balancers:\n  b: { backends: [a], policy: random }\n",
      'balancers.b.policy: a policy is written { kind: random }, got "random"',
    ],
    [
      "pools:\n  p: { backends: [a], selection: lru }\n",
      'pools.p.selection: a policy is written { kind: lru }, got "lru"',
    ],
    [
      "caches:\n  k: { target: a, popularity: uniform }\n",
      'caches.k.popularity: a policy is written { kind: uniform }, got "uniform"',
    ],
    [
      "configPipelines:\n  p: { target: a, onBadFile: last-known-good }\n",
      'configPipelines.p.onBadFile: a policy is written { kind: lastKnownGood }, got "last-known-good"',
    ],
    [
      "configPipelines:\n  p: { target: a, onBadFile: { kind: fail-closed } }\n",
      'configPipelines.p.onBadFile.kind: "fail-closed" is now spelled "failClosed"',
    ],
    [
      "balancers:\n  b: { backends: [a], policy: { kind: power-of-two } }\n",
      'balancers.b.policy.kind: "power-of-two" is now spelled "powerOfTwo"',
    ],
  ])("writes a policy as { kind } in camelCase: %j", (tail, expected) => {
    const got = issues(tail);
    expect(got).toHaveLength(1);
    expect(got[0]!.replace(/^old\.yaml:\d+:\d+: /, "")).toBe(expected);
  });

  it("an old kind of a server's queue names the new one", () => {
    expect(issues("")).toEqual([]);
    expect(() =>
      parseScenarioText(
        HEAD.replace("value: 0.01 }", "value: 0.01 }, queue: { kind: adaptive-lifo } "),
        "old.yaml",
      ),
    ).toThrow('servers.a.queue.kind: "adaptive-lifo" is now spelled "adaptiveLifo"');
  });

  it("an unknown field that was never renamed is still just unknown", () => {
    expect(issues("caches:\n  k: { target: a, databse: a }\n")).toEqual([
      'old.yaml:10:28: caches.k.databse: unknown field "databse"',
    ]);
  });

  it("the command line refuses it with exit code 2 and no stack trace", async () => {
    const dir = scratchWith({ "old.yaml": `${HEAD}caches:\n  k: { database: a }\n` });
    const { code, stdout, stderr } = await cli("run", join(dir, "old.yaml"));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('caches.k.database: "database" is now called "target"');
    expect(stderr).not.toMatch(/\bat .+\.ts:\d+/);
  });
});
