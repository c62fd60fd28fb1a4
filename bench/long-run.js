// 100-million-event run of the retry-storm model: `npm run bench:long`.
// Rates x100 and times / 100, the seed's load profile repeated for ever (its phases cycle every
// 100 s), and a bounded server queue: in a storm that never ends, an unbounded queue is state that
// grows by design, so the bound is what makes "memory stays flat" a statement about the engine.
import { readFileSync } from "node:fs";
import { parseScenarioText } from "../dist/scenario/parse.js";
import { runScenario } from "../dist/scenario/run.js";

const target = Number(process.env.LONG_EVENTS ?? 100_000_000);
const text = readFileSync(new URL("../scenarios/retry-storm-seed.yaml", import.meta.url), "utf8");
const parsed = parseScenarioText(text, "retry-storm-seed.yaml");
const spec = structuredClone(parsed.spec);
const cycles = Number(process.env.LONG_CYCLES ?? 160);
const steps = spec.sources.users.profile.steps;
const cycled = [];
for (let c = 0; c < cycles; c++)
  for (const s of steps) cycled.push({ at: c * 100 + s.at, rate: s.rate * 100 });
spec.sources.users.profile = { kind: "steps", steps: cycled };
spec.clients.client.timeout /= 100;
spec.servers.server.serviceTime.mean /= 100;
spec.servers.server.queueCapacity = 5000;
spec.duration = cycles * 100;
spec.drain = 0;
spec.probeInterval = 1;
spec.window = 10;
spec.limits = { maxEvents: 2 * target, maxWallSeconds: 3600 };
const t0 = performance.now();
const out = runScenario({ ...parsed, spec });
const seconds = (performance.now() - t0) / 1000;
const peak = process.resourceUsage().maxRSS / 1024;
console.log(
  `retry storm x100, ${cycles} cycles of the seed profile (${spec.duration} s simulated), queue bound 5000: ` +
    `${out.result.events.toLocaleString()} events, ${out.result.totals.requests.toLocaleString()} requests, ` +
    `${seconds.toFixed(1)} s, ${(out.result.events / seconds / 1e6).toFixed(2)} M events/s, peak RSS ${peak.toFixed(0)} MB`,
);
