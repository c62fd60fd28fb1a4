import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./cli-harness.js";

// What a hostile or broken file does to the CLI's own output: one short, printable message, exit 2.

const scratch = () => mkdtempSync(join(tmpdir(), "metastable-hostile-"));

describe("metastable run on hostile input", () => {
  // Once 3.2 MB of stderr.
  it("a 1 MB binary file gives one short line and exit 2", async () => {
    const file = join(scratch(), "blob.yaml");
    const bytes = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    writeFileSync(file, bytes);
    const r = await cli("run", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/blob\.yaml:\d+:0: not a text file \(it holds a NUL byte\)/);
    expect(r.stderr.length).toBeLessThan(400);
  });

  // Once echoed raw: a terminal rewritten by escape sequences, text reordered by RTL overrides.
  it("escapes control characters and right-to-left overrides in what it echoes", async () => {
    const file = join(scratch(), "names.yaml");
    writeFileSync(
      file,
      `name: x\nduration: 10\n"evil\\u202Eeulav\\u001B[2J\\u0007": 1\nsources:\n  u: { target: c, profile: { kind: constant, rate: 5 } }\nclients:\n  c: { target: s }\nservers:\n  s: {}\n`,
    );
    const r = await cli("run", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown field "evil\\u{202e}eulav\\u{1b}[2J\\u{7}"');
    const flag = await cli("run", file, "--seed", "\u202E1\u001B");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("\\u{202e}1\\u{1b}");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking none got through
    for (const s of [r.stderr, flag.stderr]) expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
  });

  it("a self-referencing alias is exit 2 at file:line:col", async () => {
    const file = join(scratch(), "loop.yaml");
    writeFileSync(file, "name: x\nduration: 10\ntriggers: &t [*t]\n");
    const r = await cli("run", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("loop.yaml:3:15: triggers.0: the alias *t refers to itself");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
