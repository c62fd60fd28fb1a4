import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { extractOptionDocs, modelOptionDocs } from "../../web/option-docs.js";
import { interfaceFor, REFERENCE_FIELDS } from "../../web/src/option-names.js";

const SRC = join(import.meta.dirname, "..", "..", "src");

describe("option docs for the dashboard's forms", () => {
  it("reads a field's doc, default and type from an options interface", () => {
    const docs = extractOptionDocs(`
export interface FooOptions {
  /** Calls served at once. Default: 1. */
  concurrency?: number;
  /**
   * Service time of one call. Required.
   */
  serviceTime: DistributionSpec;
  /** Delay before the first retry. Required; must be > 0. */
  base: number;
}
`);
    expect(docs.FooOptions).toEqual({
      concurrency: { doc: "Calls served at once.", default: "1", required: false, type: "number" },
      serviceTime: {
        doc: "Service time of one call.",
        default: null,
        required: true,
        type: "DistributionSpec",
      },
      base: {
        doc: "Delay before the first retry. Must be > 0.",
        default: null,
        required: true,
        type: "number",
      },
    });
  });

  const docs = modelOptionDocs(SRC);

  it("documents every option of every component type the registry knows, except its references", () => {
    const missing: string[] = [];
    for (const t of COMPONENT_TYPES) {
      const fields = docs[interfaceFor(t.type)];
      const shape = (t.schema as unknown as { shape: Record<string, unknown> }).shape;
      for (const key of Object.keys(shape)) {
        if (!fields?.[key] && !REFERENCE_FIELDS.includes(key)) missing.push(`${t.type}.${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("carries the client's documented defaults", () => {
    expect(docs.ClientOptions?.timeout?.default).toBe("1");
    expect(docs.ClientOptions?.maxAttempts?.default).toBe("3");
    expect(docs.RetryBudgetOptions?.ratio?.default).toBe("0.1");
    expect(docs.ScenarioSettings?.probeInterval?.default).toBe("0.1");
  });
});
