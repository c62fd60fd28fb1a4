import { describe, expect, it } from "vitest";
import { LruSelection } from "../../../src/model/pool/lru-selection.js";
import { MruSelection } from "../../../src/model/pool/mru-selection.js";

describe("connection selections", () => {
  it("lru hands out the connection released first, mru the one released last", () => {
    const lru = new LruSelection<string>();
    const mru = new MruSelection<string>();
    for (const c of ["a", "b", "c"]) {
      lru.release(c);
      mru.release(c);
    }
    expect([lru.length, mru.length]).toEqual([3, 3]);
    expect([lru.take(), lru.take()]).toEqual(["a", "b"]);
    expect([mru.take(), mru.take()]).toEqual(["c", "b"]);
    lru.release("d");
    mru.release("d");
    expect([lru.take(), lru.take(), lru.take()]).toEqual(["c", "d", undefined]);
    expect([mru.take(), mru.take(), mru.take()]).toEqual(["d", "a", undefined]);
    expect([lru.label, mru.label, lru.length, mru.length]).toEqual(["lru", "mru", 0, 0]);
  });
});
