import { writeFileSync } from "node:fs";
import { it } from "vitest";
import { chartOptions } from "../../src/report/charts.js";
import { renderSvg } from "../../src/report/svg.js";
import { fixtureOutput } from "./fixture.js";
it("scratch", () => {
  for (const spec of chartOptions(fixtureOutput())) writeFileSync(`/tmp/rt/${spec.id}.svg`, renderSvg(spec));
});
