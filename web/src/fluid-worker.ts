// The fluid model of the open scenario, computed off the page's thread: a slider dragged over the
// base load asks for one analysis after another, and each takes from a few to over a hundred ms.
import { analyseScenarioFluid } from "../../src/fluid/analyse.js";
import { parseScenarioText } from "../../src/scenario/parse.js";
import type { FluidRequest, FluidResponse } from "./fluid-protocol.js";

const post = (m: FluidResponse) =>
  (self as unknown as { postMessage(m: FluidResponse): void }).postMessage(m);

self.onmessage = (event: MessageEvent<FluidRequest>) => {
  const { id, text, file, load } = event.data;
  const started = performance.now();
  try {
    const parsed = parseScenarioText(text, file);
    const analysis = analyseScenarioFluid(parsed, load === null ? {} : { load });
    post({ id, analysis, ms: performance.now() - started, refusal: null });
  } catch (e) {
    // A refusal names the component the model does not cover, and why (a ScenarioError's message).
    post({
      id,
      analysis: null,
      ms: performance.now() - started,
      refusal: (e as Error)?.message ?? String(e),
    });
  }
};
