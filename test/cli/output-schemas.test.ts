import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { cli } from "./cli-harness.js";

// map.json and threshold.json as the commands write them are valid under the published schemas
// (schema/map.schema.json, schema/threshold.schema.json), the fluid band included.

const ROOT = join(import.meta.dirname, "..", "..");
const schema = (name: string) =>
  new Ajv({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(join(ROOT, "schema", name), "utf8")),
  );
const PAUSE = `
name: pause-storm
seed: 3
duration: 30
drain: 2
sources:
  users: { target: client, profile: { kind: constant, rate: 5 } }
clients:
  client: { target: server, timeout: 1, maxAttempts: 4 }
servers:
  server: { serviceTime: { kind: exponential, mean: 0.1 } }
triggers:
  - { kind: pause, target: server, at: 8, duration: 3 }
`;

describe("published output schemas", () => {
  const dir = mkdtempSync(join(tmpdir(), "metastable-schemas-"));
  const file = join(dir, "pause.yaml");
  writeFileSync(file, PAUSE);

  it("map --json, with a load axis and without one, is valid under schema/map.schema.json", async () => {
    const validate = schema("map.schema.json");
    for (const axes of [
      ["--x", "load=0.6:1.2:2", "--y", "triggers.0.duration=1:3:2"],
      ["--x", "clients.client.maxAttempts=2:4:2", "--y", "triggers.0.duration=1:3:2"],
    ]) {
      const r = await cli("map", file, ...axes, "--replications", "1", "--json", "--workers", "1", "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const map = JSON.parse(r.stdout);
      expect(validate(map), JSON.stringify(validate.errors)).toBe(true);
      expect(map.fluid.note).toBeNull();
    }
  });

  it("threshold --json is valid under schema/threshold.schema.json, with the fluid band", async () => {
    const validate = schema("threshold.schema.json");
    const r = await cli(
      "threshold",
      file,
      "--replications",
      "2",
      "--low",
      "0.3",
      "--high",
      "1.5",
      "--tolerance",
      "0.3",
      "--recover-within",
      "30",
      "--json",
      "--workers",
      "1",
      "--quiet",
    );
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(validate(t), JSON.stringify(validate.errors)).toBe(true);
    // 4 attempts at a 10 req/s server: the stuck state from 10 / 4 = 2.5 req/s.
    expect(t.fluid.bistable.low).toBeCloseTo(2.5, 9);
    expect(t.fluid.note).toBeNull();
  });
});
