import { describe, expect, it } from "vitest";
import { NONE, RequestTable } from "../../src/model/request-table.js";

describe("RequestTable", () => {
  it("reuses a finished request's row, and an old token never names the new request", () => {
    const t = new RequestTable();
    const a = t.open(0, Number.POSITIVE_INFINITY, 1);
    const first = t.token(a);
    const second = t.token(a);
    expect(t.rowOf(first)).toBe(a);
    expect(t.rowOf(second)).toBe(a);
    expect(second).not.toBe(first);
    expect(t.current(first)).toBe(true);
    // Not released while anything of it is waited for or scheduled.
    t.done[a] = 1;
    t.waiting[a] = second;
    t.release(a);
    t.waiting[a] = NONE;
    t.retryPending[a] = 1;
    t.release(a);
    expect(t.open(1, 5, 2)).not.toBe(a);
    t.retryPending[a] = 0;
    t.release(a);
    const b = t.open(2, 7, 3);
    expect(b).toBe(a);
    expect([t.createdAt[b], t.deadline[b], t.requestId[b], t.attempts[b], t.done[b]]).toEqual([
      2, 7, 3, 0, 0,
    ]);
    expect(t.current(first)).toBe(false);
    expect(t.current(second)).toBe(false);
    expect(t.current(t.token(b))).toBe(true);
  });

  it("grows past its first capacity without losing rows", () => {
    const t = new RequestTable();
    const rows = Array.from({ length: 1000 }, (_, i) => t.open(i, i + 0.5, i));
    expect(new Set(rows).size).toBe(1000);
    for (const [i, row] of rows.entries()) {
      expect(t.createdAt[row]).toBe(i);
      expect(t.deadline[row]).toBe(i + 0.5);
      expect(t.waiting[row]).toBe(NONE);
    }
  });
});
