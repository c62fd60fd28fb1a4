import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/usage-error.js";
import { writeFileAtomically, writeOutputFolder } from "../../src/cli/write-output.js";
import { runChild } from "../child-process.js";
import { cli } from "./cli-harness.js";

const scratch = () => mkdtempSync(join(tmpdir(), "metastable-out-"));

/** The pid of a process that has exited (what a kill -9 leaves behind in scratch names). */
async function deadPid(): Promise<number> {
  const r = await runChild(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    timeout: 30_000,
  });
  return Number(r.stdout);
}

describe("output folders are written as a unit", () => {
  it("replaces an earlier output whole: no file of the earlier run stays", () => {
    const dir = scratch();
    const out = join(dir, "out");
    writeOutputFolder(out, { "result.json": "{}", "cache-flush.svg": "<svg/>" });
    writeOutputFolder(out, { "result.json": '{"run":2}', "retry-storm.svg": "<svg/>" });
    expect(readdirSync(out).sort()).toEqual(["result.json", "retry-storm.svg"]);
    expect(readFileSync(join(out, "result.json"), "utf8")).toBe('{"run":2}');
    expect(readdirSync(dir)).toEqual(["out"]); // no scratch folder left beside it
  });

  it("carries over the files it is told to keep (a map's checkpoint)", () => {
    const out = join(scratch(), "out");
    writeOutputFolder(out, { "map.json": "1", "checkpoint.jsonl": "a\n" });
    writeOutputFolder(out, { "map.json": "2" }, (name) => name.endsWith(".jsonl"));
    expect(readFileSync(join(out, "checkpoint.jsonl"), "utf8")).toBe("a\n");
  });

  it("never replaces a folder holding files it did not write, nor a path that is not a folder", () => {
    const dir = scratch();
    writeFileSync(join(dir, "notes.txt"), "mine");
    expect(() => writeOutputFolder(dir, { "result.json": "{}" })).toThrow(UsageError);
    expect(() => writeOutputFolder(dir, { "result.json": "{}" })).toThrow(/holds notes\.txt/);
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
    expect(() => writeOutputFolder(join(dir, "notes.txt"), { "result.json": "{}" })).toThrow(
      /exists and is not a folder/,
    );
  });

  it("cleans scratch folders of writers that were killed, and puts back an output a kill left retired", async () => {
    const dir = scratch();
    const pid = await deadPid();
    mkdirSync(join(dir, `.other.metastable-tmp-${pid}-abc`));
    writeFileSync(join(dir, `.other.metastable-tmp-${pid}-abc`, "result.json"), "half");
    mkdirSync(join(dir, `.kept.metastable-old-${pid}`));
    writeFileSync(join(dir, `.kept.metastable-old-${pid}`, "result.json"), "{}");
    const legacy = join(dir, ".metastable-tmp-Ab3dEf");
    mkdirSync(legacy);
    utimesSync(legacy, new Date(0), new Date(0));
    const live = join(dir, `.busy.metastable-tmp-${process.ppid}-x`); // a writer still running
    mkdirSync(live);
    writeOutputFolder(join(dir, "out"), { "result.json": "{}" });
    expect(readdirSync(dir).sort()).toEqual([`.busy.metastable-tmp-${process.ppid}-x`, "kept", "out"]);
    expect(readFileSync(join(dir, "kept", "result.json"), "utf8")).toBe("{}");
  });

  it("writes a single file by rename", () => {
    const file = join(scratch(), "sub", "partial-1-of-2.jsonl");
    writeFileAtomically(file, "x\n");
    writeFileAtomically(file, "y\n");
    expect(readFileSync(file, "utf8")).toBe("y\n");
    expect(readdirSync(join(file, ".."))).toEqual(["partial-1-of-2.jsonl"]);
  });
});

describe("metastable run --out", () => {
  // Once "internal error: EEXIST" (exit 1).
  it("--out /dev/null and --out into a file are exit 2 before the run, with the reason", async () => {
    for (const out of ["/dev/null", "package.json"]) {
      const r = await cli("run", "scenarios/retry-storm.yaml", "--out", out);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toBe(`error: --out ${out} exists and is not a folder; give a folder\n`);
    }
    expect(existsSync("/dev/null")).toBe(true);
  });

  it("a kill -9 mid-write leaves a scratch folder that the next run beside it removes", async () => {
    const dir = scratch();
    const left = join(dir, `.storm.metastable-tmp-${await deadPid()}-k9`);
    mkdirSync(left);
    writeFileSync(join(left, "result.json"), "{");
    const r = await cli("run", "scenarios/retry-storm.yaml", "--out", join(dir, "storm"));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(["storm"]);
  });
});
