import { describe, expect, it } from "vitest";
import { RecordTable } from "../../src/model/record-table.js";

describe("RecordTable", () => {
  it("reuses released records, clearing them first, and counts what is in use", () => {
    const table = new RecordTable(
      () => ({ owner: null as string | null }),
      (r) => {
        r.owner = null;
      },
    );
    const a = table.take();
    const b = table.take();
    table.get(a).owner = "a";
    table.get(b).owner = "b";
    expect([table.size, table.inUse]).toEqual([2, 2]);
    table.release(a);
    expect(table.get(a).owner).toBeNull();
    expect(table.inUse).toBe(1);
    // A released token is handed out again before a new record is made.
    expect(table.take()).toBe(a);
    expect([table.size, table.inUse]).toEqual([2, 2]);
    expect(table.get(b).owner).toBe("b");
  });
});
