import { describe, expect, it } from "vitest";
import { OutstandingRequests } from "../../../src/model/lease/outstanding-requests.js";

const request = (id: number) => ({ id, sentAt: -1 });

describe("OutstandingRequests", () => {
  it("credits each completion to the oldest request out, and averages the answers' latency", () => {
    const out = new OutstandingRequests<ReturnType<typeof request>>();
    out.sent(request(1), 0);
    out.sent(request(2), 1);
    out.sent(request(3), 2);
    expect(out.latency(2)).toBe(2); // nothing answered yet: the oldest has waited 2 s
    expect(out.completed(3)?.id).toBe(1); // latency 3: the average starts there
    expect(out.latency(3)).toBe(3);
    expect(out.completed(5)?.id).toBe(2); // latency 4: 3 + 0.1 x (4 - 3)
    expect(out.latency(5)).toBeCloseTo(3.1, 12);
    // The oldest still out (sent at 2) has waited 6 s by t = 8: longer than the average.
    expect(out.latency(8)).toBe(6);
    expect(out.length).toBe(1);
  });

  it("credits the client's new give-ups to the oldest requests, undefined when none is out", () => {
    const out = new OutstandingRequests<ReturnType<typeof request>>();
    out.sent(request(1), 0);
    out.sent(request(2), 0);
    const credited: (number | undefined)[] = [];
    const each = (r: { id: number } | undefined) => credited.push(r?.id);
    out.settleGiveUps(1, each);
    expect(credited).toEqual([1]);
    out.settleGiveUps(1, each); // the client's total has not moved: nothing new
    expect(credited).toEqual([1]);
    out.settleGiveUps(3, each);
    expect(credited).toEqual([1, 2, undefined]);
    expect(out.completed(1)).toBeUndefined();
    expect(out.latency(1)).toBe(0);
  });
});
