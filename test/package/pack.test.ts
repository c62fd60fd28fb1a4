import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The package as npm publishes it, used from a new project: the packed tarball unpacked into a
// scratch project's node_modules, its dependencies linked from this checkout (no network), the
// README's TypeScript example type-checked against the shipped .d.ts files and run with Node, and
// bundled from the scratch project by Vite (for the browser) and Rolldown (for Node), the bundlers
// this checkout already has, and run again: same seed, same printed verdict.

const ROOT = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const example = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(README)![1]!;
let project = "";
// What the README example prints when compiled by tsc and run with Node (see nodeOutput).
let printedByNode = "";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs a command that must succeed; returns what it wrote to stdout and stderr (warnings go there). */
function runLogged(cmd: string, args: string[], cwd: string): string {
  // As a user's shell runs it: Vite reads VITEST and NODE_ENV, which the test runner sets.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_ENV" && k !== "TEST"),
  );
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "metastable-pack-"));
  // --ignore-scripts: the test runs after `tsc` built dist/; prepack would rebuild the dashboard too.
  const packed = JSON.parse(
    run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", project], ROOT),
  );
  const target = join(project, "node_modules", "metastable");
  mkdirSync(target, { recursive: true });
  run("tar", ["-xzf", join(project, packed[0].filename), "-C", target, "--strip-components=1"], project);
  for (const dep of [...Object.keys(pkg.dependencies), "@types/node"]) {
    mkdirSync(dirname(join(project, "node_modules", dep)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", dep), join(project, "node_modules", dep), "dir");
  }
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "scratch", type: "module", private: true }),
  );
  writeFileSync(join(project, "example.ts"), example);
}, 180_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the packed package in a new project", { timeout: 120_000 }, () => {
  it("ships the library, the CLI, the catalog and the JSON Schema, not the sources or tests", () => {
    const files = run("find", [".", "-type", "f"], join(project, "node_modules", "metastable"));
    expect(files).toContain("./dist/index.js");
    expect(files).toContain("./dist/index.d.ts");
    expect(files).toContain("./bin/metastable.js");
    expect(files).toContain("./schema/scenario.schema.json");
    expect(files).toContain("./schema/checks.schema.json");
    expect(files).toContain("./scenarios/retry-storm.yaml");
    expect(files).not.toMatch(/\.\/(src|test)\//);
  });

  for (const resolution of ["nodenext", "bundler"] as const)
    it(`type-checks the README's TypeScript example against the shipped types (${resolution} resolution)`, () => {
      const module = resolution === "bundler" ? "esnext" : "nodenext";
      const out = run(
        process.execPath,
        [
          join(ROOT, "node_modules", "typescript", "bin", "tsc"),
          "--strict",
          "--noEmit",
          "--skipLibCheck",
          "--module",
          module,
          "--moduleResolution",
          resolution,
          "--target",
          "es2022",
          "--types",
          "node",
          "example.ts",
        ],
        project,
      );
      expect(out).toBe("");
    });

  it("runs the README's example with Node and prints a verdict", () => {
    const printed = nodeOutput().trim().split("\n");
    expect(["stable", "recovered", "metastable", "unstable"]).toContain(printed[0]);
    expect(printed[1]).toMatch(new RegExp(`^${printed[0]}: `));
  });

  it("bundles the README's example with Vite for the browser: no Node built-ins, the same verdict", () => {
    // Library mode keeps the output one ES module, which Node can run as it is.
    writeFileSync(
      join(project, "vite.config.mjs"),
      `export default {
  logLevel: "warn",
  build: {
    lib: { entry: "example.ts", formats: ["es"], fileName: "example" },
    outDir: "vite-out",
    minify: false,
    target: "es2022",
  },
};
`,
    );
    const log = runLogged(
      process.execPath,
      [join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build"],
      project,
    );
    // A node: import would be swapped for an empty stub with only this warning to show for it.
    expect(log).not.toMatch(/externalized for browser compatibility/);
    const bundle = readFileSync(join(project, "vite-out", "example.js"), "utf8");
    // Everything is inside: no import left to resolve, least of all a node: built-in.
    expect(bundle).not.toMatch(/^\s*import\s|\bimport\(|require\(|["']node:/m);
    expect(run(process.execPath, [join("vite-out", "example.js")], project)).toBe(nodeOutput());
  });

  it("bundles the README's example with Rolldown for Node and prints the same verdict", () => {
    run(
      process.execPath,
      [
        join(ROOT, "node_modules", "rolldown", "bin", "cli.mjs"),
        "example.ts",
        "--platform",
        "node",
        "--format",
        "esm",
        "--file",
        join("rolldown-out", "example.mjs"),
      ],
      project,
    );
    expect(run(process.execPath, [join("rolldown-out", "example.mjs")], project)).toBe(nodeOutput());
  });

  it("runs the CLI from the package and resolves the schema export", () => {
    const help = run(
      process.execPath,
      [join("node_modules", "metastable", "bin", "metastable.js"), "--help"],
      project,
    );
    expect(help).toContain("check");
    const schema = run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import s from "metastable/scenario.schema.json" with { type: "json" }; console.log(s.title)',
      ],
      project,
    );
    expect(schema.trim()).toBe("Metastable scenario");
    const checks = run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import s from "metastable/checks.schema.json" with { type: "json" }; console.log(s.title)',
      ],
      project,
    );
    expect(checks.trim()).toBe("Metastable checks");
  });
});

/** What the example prints compiled by tsc and run with Node; computed once, by whichever test asks first. */
function nodeOutput(): string {
  if (printedByNode === "") {
    run(
      process.execPath,
      [
        join(ROOT, "node_modules", "typescript", "bin", "tsc"),
        "--module",
        "nodenext",
        "--target",
        "es2022",
        "--skipLibCheck",
        "--types",
        "node",
        "--outDir",
        "out",
        "example.ts",
      ],
      project,
    );
    writeFileSync(join(project, "out", "package.json"), JSON.stringify({ type: "module" }));
    printedByNode = run(process.execPath, [join("out", "example.js")], project);
  }
  return printedByNode;
}
