#!/usr/bin/env node
import { statSync } from "node:fs";

// `npm run build` bundles the CLI (rolldown.config.mjs), which starts several times faster than
// tsc's ~200 modules. A tsc build newer than the bundle (a developer's `npx tsc`) wins over it.
function newer(bundle, plain) {
  try {
    return (
      statSync(new URL(bundle, import.meta.url)).mtimeMs >= statSync(new URL(plain, import.meta.url)).mtimeMs
    );
  } catch {
    return false;
  }
}

// A reader that stops early (`metastable catalog | head`) closes the pipe: that is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

const { main } = await import(
  newer("../dist/cli/main.bundle.js", "../dist/cli/main.js")
    ? "../dist/cli/main.bundle.js"
    : "../dist/cli/main.js"
);
process.exitCode = await main(process.argv.slice(2));
