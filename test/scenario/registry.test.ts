import { describe, expect, it } from "vitest";
import { isLoadGenerator } from "../../src/model/component.js";
import { doesWork } from "../../src/model/roles.js";
import { buildModel } from "../../src/scenario/build.js";
import { accepts, referenceOptions } from "../../src/scenario/component-type.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { runScenario } from "../../src/scenario/run.js";
import { ScenarioError } from "../../src/scenario/scenario-error.js";
import { FixtureBuilder, fixtureFor } from "./fixtures.js";

// The registry is the one place that knows a component type: its template, its roles and what each
// of its references may name. These check each declaration against what the built components do.

describe("the component registry", () => {
  for (const type of COMPONENT_TYPES) {
    describe(type.type, () => {
      it("its template, wired by its declared references, builds and runs", () => {
        const { parsed } = fixtureFor(type);
        const out = runScenario(parsed, { seed: 1 });
        expect(out.result.totals.requests).toBeGreaterThan(0);
      });

      it("plays exactly the roles it declares", () => {
        const { parsed, name } = fixtureFor(type);
        const c = buildModel(parsed, 1).components.find((x) => x.name === name)! as object;
        const played = [
          isLoadGenerator(c) && "load",
          "accept" in c && "service",
          "request" in c && "requestSink",
          doesWork(c) && "work",
        ].filter(Boolean);
        expect(played.sort()).toEqual([...type.roles].sort());
      });

      for (const { field, ref } of referenceOptions(type)) {
        it(`${field} names exactly the types it declares (${ref.to})`, () => {
          for (const target of COMPONENT_TYPES) {
            // The target first, so that it names nothing of x's.
            const b = new FixtureBuilder();
            const t = b.add(target, "t");
            b.add(type, "x");
            const x = b.sections[type.section]!.x!;
            x[field] = ref.list ? [t] : t;
            b.withLoad();
            const text = JSON.stringify({ name: "f", duration: 5, ...b.sections }, null, 2);
            let refused: string | null = null;
            try {
              buildModel(parseScenarioText(text, "f.json"), 1);
            } catch (e) {
              if (!(e instanceof ScenarioError)) throw e;
              const at = e.issues.find((i) => i.field.startsWith(`${type.section}.x.${field}`));
              refused = at ? at.message : null;
            }
            expect(refused === null, `${type.type}.${field} -> ${target.type}: ${refused}`).toBe(
              accepts(ref, target),
            );
          }
        });
      }
    });
  }
});
