// Memory that follows pending work: an M/M/1 at 900 req/s (server capacity 1,000 req/s) behind a
// client whose timeout is `timeout` seconds, run for 10,000 simulated seconds. Every request's
// timeout is cancelled when the answer comes, so the pending work is small; a heap that kept
// cancelled events until their due time would hold every request of the run.
// Usage: node bench/long-timeout.js [timeout] [duration] [--scenario]  (prints one JSON line)
// By default the Source, Client and Server components run on the engine alone; --scenario runs
// the same model as a full scenario, with the run recorder and its series.
import { createDistribution } from "../dist/engine/distributions.js";
import { Simulation } from "../dist/engine/simulation.js";
import { Client } from "../dist/model/components/client.js";
import { Server } from "../dist/model/components/server.js";
import { Source } from "../dist/model/components/source.js";
import { parseScenarioText } from "../dist/scenario/parse.js";
import { runScenario } from "../dist/scenario/run.js";

export function longTimeoutScenario(timeout, duration) {
  return [
    "name: long-timeout",
    `duration: ${duration}`,
    "drain: 0",
    "probeInterval: 1",
    "window: 10",
    "limits: { maxEvents: 1e9, maxWallSeconds: 3600 }",
    "sources:",
    "  users: { target: client, arrivals: poisson, profile: { kind: constant, rate: 900 } }",
    "clients:",
    `  client: { target: server, timeout: ${timeout}, maxAttempts: 1 }`,
    "servers:",
    "  server: { concurrency: 1, serviceTime: { kind: exponential, mean: 0.001 } }",
    "",
  ].join("\n");
}

/** The model on the engine alone; returns the events run. */
function runComponents(timeout, duration) {
  const sim = new Simulation({ seed: 1 });
  const server = new Server(sim, "server", {
    serviceTime: createDistribution({ kind: "exponential", mean: 0.001 }),
  });
  const client = new Client(sim, "client", server, { timeout, maxAttempts: 1 });
  new Source(sim, "users", client, { profile: { kind: "constant", rate: 900 }, arrivals: "poisson" }).start();
  sim.run({ until: duration });
  return sim.events;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [timeoutArg, durationArg] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const timeout = Number(timeoutArg ?? 1e5);
  const duration = Number(durationArg ?? 10_000);
  const scenario = process.argv.includes("--scenario");
  const t0 = performance.now();
  const events = scenario
    ? runScenario(parseScenarioText(longTimeoutScenario(timeout, duration), "long-timeout.yaml")).result
        .events
    : runComponents(timeout, duration);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      model: scenario ? "scenario" : "components",
      timeout,
      duration,
      events,
      seconds,
      eventsPerSec: events / seconds,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
