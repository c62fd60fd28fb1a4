// Memory that follows pending work: an M/M/1 at 900 req/s (server capacity 1,000 req/s) behind a
// client whose timeout is `timeout` seconds, run for 10,000 simulated seconds as a full scenario.
// Every request's timeout is cancelled when the answer comes, so the pending work is small;
// a heap that kept cancelled events until their due time would hold every request of the run.
// Usage: node bench/long-timeout.js [timeout] [duration]  (prints one JSON line)
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const timeout = Number(process.argv[2] ?? 1e5);
  const duration = Number(process.argv[3] ?? 10_000);
  const parsed = parseScenarioText(longTimeoutScenario(timeout, duration), "long-timeout.yaml");
  const t0 = performance.now();
  const out = runScenario(parsed);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      timeout,
      duration,
      events: out.result.events,
      seconds,
      eventsPerSec: out.result.events / seconds,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
