import { describe, expect, it } from "vitest";
import type { Distribution } from "../../../src/engine/distribution.js";
import { Simulation } from "../../../src/engine/simulation.js";
import { InstanceGroup } from "../../../src/model/autoscaling/instance-group.js";
import type { Caller, ReplyStatus } from "../../../src/model/call.js";
import { Server } from "../../../src/model/components/server.js";

const constant = (value: number): Distribution => ({
  label: `constant(${value})`,
  mean: value,
  min: value,
  sample: () => value,
});

const caller: Caller = { reply: (_token: number, _status: ReplyStatus) => true, requestOf: () => -1 };

describe("InstanceGroup", () => {
  it("counts the capacity and workers of the instances in service, and the work of all it created", () => {
    const sim = new Simulation();
    const a = new Server(sim, "a", { serviceTime: constant(0.5), concurrency: 2 });
    const b = new Server(sim, "b", { serviceTime: constant(0.25), concurrency: 3 });
    const group = new InstanceGroup();
    group.add(a);
    group.add(b);
    // a: 2 workers / 0.5 s = 4 calls/s; b: 3 / 0.25 = 12 calls/s.
    expect(group.workers).toBe(5);
    expect(group.capacityPerSec).toBe(16);
    // Three calls to a (two in service, one waiting), one to b.
    for (let i = 0; i < 3; i++) a.accept(caller, i, Number.POSITIVE_INFINITY);
    b.accept(caller, 3, Number.POSITIVE_INFINITY);
    expect(group.inFlight).toBe(3);
    expect(group.queueLength).toBe(1);
    group.remove(b);
    // b leaves the balancer: its workers and capacity no longer count, its calls and work still do.
    expect(group.workers).toBe(2);
    expect(group.capacityPerSec).toBe(4);
    expect(group.inFlight).toBe(3);
    sim.run({ until: 10 });
    // a served 3 calls in 0.5 + 0.5 (two at once, then the third): 1.5 worker-seconds; b one in 0.25.
    expect(group.sum("arrived")).toBe(4);
    expect(group.work.served).toBe(4);
    expect(group.work.finished).toBe(4);
    expect(group.work.busySeconds).toBeCloseTo(1.75, 12);
    expect(group.work.wasted).toBe(0);
    expect(group.all).toEqual([a, b]);
  });
});
