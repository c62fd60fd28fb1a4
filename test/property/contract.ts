import { stringify } from "yaml";
import type { Handler } from "../../src/engine/simulation.js";
import type { Caller, Service } from "../../src/model/call.js";
import { Client } from "../../src/model/components/client.js";
import { Server } from "../../src/model/components/server.js";
import { type BuiltModel, buildModel } from "../../src/scenario/build.js";
import { parseScenarioText } from "../../src/scenario/parse.js";

/**
 * The contract every model component is held to, checked on a model built from a scenario while
 * it runs: time never goes backwards; every call is answered at most once; every request a client
 * took is completed, given up or still in flight (exactly one of them); counters and gauges (queue
 * lengths, in-flight counts) are finite and never negative; a server's calls are all accounted
 * for. Violations are collected with the simulated time and component, not thrown, so a run
 * reports all of them.
 */

/** What one instrumented run saw. */
export interface ContractRun {
  /** Contract violations, each with its time and component. */
  violations: string[];
  /** Every event as "time handler kind", in order: the run's trace. */
  trace: string[];
  /** Final stats of every component, by name. */
  stats: Record<string, Record<string, number>>;
  /** Component types that were built. */
  types: Set<string>;
  events: number;
  /** Simulated time when the run stopped. */
  end: number;
}

/** Names a handler for the trace: the component's name, or the handler's class. */
function handlerName(h: Handler): string {
  const named = h as { name?: unknown };
  return typeof named.name === "string" ? named.name : (h.constructor?.name ?? "handler");
}

/**
 * Tracks each call a service accepted, per caller: an answer to a call that is not pending (a
 * second answer, or one never asked for) is a violation, whatever path it takes to the caller.
 */
function instrumentService(
  svc: Service,
  pendingBy: Map<Caller, Set<number>>,
  violations: string[],
  now: () => number,
): void {
  const accept = svc.accept.bind(svc);
  svc.accept = (caller: Caller, token: number, deadline: number) => {
    let pending = pendingBy.get(caller);
    if (pending === undefined) {
      const tokens = new Set<number>();
      const reply = caller.reply.bind(caller);
      const callerName = (caller as { name?: string }).name ?? "caller";
      caller.reply = (t, status) => {
        if (!tokens.delete(t))
          violations.push(
            `t=${now()} ${callerName}: call ${t} answered twice (${status}, first sent to ${svc.name})`,
          );
        return reply(t, status);
      };
      pendingBy.set(caller, tokens);
      pending = tokens;
    }
    pending.add(token);
    accept(caller, token, deadline);
  };
}

/** Checks the invariants that hold at any instant. */
function checkState(
  components: readonly { name: string; stats: object; gauges?(): Record<string, number> }[],
  violations: string[],
  now: number,
): void {
  for (const c of components) {
    for (const [k, v] of Object.entries(c.stats as Record<string, number>)) {
      if (!(Number.isFinite(v) && v >= 0)) violations.push(`t=${now} ${c.name}.stats.${k} = ${v}`);
    }
    for (const [k, v] of Object.entries(c.gauges?.() ?? {})) {
      if (!(Number.isFinite(v) && v >= 0)) violations.push(`t=${now} ${c.name}.gauges.${k} = ${v}`);
    }
    if (c instanceof Client) {
      const s = c.stats;
      if (s.requests !== s.completions + s.gaveUp + s.inFlight) {
        violations.push(
          `t=${now} ${c.name}: requests ${s.requests} != completions ${s.completions} + gaveUp ${s.gaveUp} + inFlight ${s.inFlight}`,
        );
      }
    }
    if (c instanceof Server) {
      const s = c.stats;
      const ended = s.served + s.rejected + s.expired + s.errors + s.dropped;
      const inside = c.queueLength + c.inFlight;
      if (s.arrived !== ended + inside) {
        violations.push(
          `t=${now} ${c.name}: arrived ${s.arrived} != served ${s.served} + rejected ${s.rejected} + expired ${s.expired} + errors ${s.errors} + dropped ${s.dropped} + queued ${c.queueLength} + in service ${c.inFlight}`,
        );
      }
    }
  }
}

/**
 * Builds `text` with `seed`, instruments it, and runs it for at most `maxEvents` events, to `until`
 * or to its end, whichever comes first, checking the state every `checkEvery` events and at the end.
 */
export function runContract(
  text: string,
  seed: number,
  maxEvents: number,
  until = Number.POSITIVE_INFINITY,
  checkEvery = 25,
  /** Breaks the model on purpose, for the contract's own tests. */
  tamper?: (model: BuiltModel) => void,
): ContractRun {
  const model = buildModel(parseScenarioText(text, "property.yaml"), seed);
  const { sim } = model;
  const violations: string[] = [];
  const trace: string[] = [];
  let last = sim.now;
  let sinceCheck = 0;
  // Wrap every handler as it is scheduled: check the clock and record the trace.
  const wrap = (h: Handler): Handler => ({
    handleEvent(kind, data) {
      if (sim.now < last) violations.push(`time went back from ${last} to ${sim.now} (${handlerName(h)})`);
      last = sim.now;
      trace.push(`${sim.now} ${handlerName(h)} ${kind}`);
      h.handleEvent(kind, data);
      if (++sinceCheck === checkEvery) {
        sinceCheck = 0;
        checkState(model.components, violations, sim.now);
      }
    },
  });
  const schedule = sim.schedule.bind(sim);
  const scheduleAt = sim.scheduleAt.bind(sim);
  sim.schedule = (delay, h, kind, data) => schedule(delay, wrap(h), kind, data);
  sim.scheduleAt = (time, h, kind, data) => scheduleAt(time, wrap(h), kind, data);
  const pendingBy = new Map<Caller, Set<number>>();
  for (const c of model.components) {
    if ("accept" in c && typeof c.accept === "function")
      instrumentService(c as unknown as Service, pendingBy, violations, () => sim.now);
  }
  tamper?.(model);
  model.faults.start();
  for (const c of model.components) c.start?.();
  sim.run({ until: Math.min(until, model.settings.duration + model.settings.drain), maxEvents });
  checkState(model.components, violations, sim.now);
  return {
    violations,
    trace,
    stats: Object.fromEntries(
      model.components.map((c) => [c.name, { ...(c.stats as Record<string, number>) }]),
    ),
    types: new Set(model.components.map((c) => c.type)),
    events: sim.events,
    end: sim.now,
  };
}

/** The message of a failing property: how to replay it (seed and scenario). */
export function replay(seed: number, data: object): string {
  return `replay with seed ${seed} and this scenario (property.yaml):\n${stringify(data)}`;
}
