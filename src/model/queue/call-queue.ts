import type { Caller } from "../call.js";

// Calls live in fixed-size blocks of numbers rather than as one object each: a queue that grows
// to hundreds of thousands of calls (a retry storm) then holds nothing the garbage collector has
// to scan or copy (an array of caller references per block, in the young generation, still cost
// a tenth of the run). Blocks also mean growth never copies what is queued.
const BLOCK = 1024;
// Call i of a block: its caller's index in `callers`, token, deadline and arrival at 4i .. 4i + 3.
const FIELDS = 4;
// Emptied blocks kept for any queue's next growth, up to 16 MB: fresh memory costs a page fault
// per 4 KB on first touch, which made allocating blocks a tenth of a storm run, and a process that
// runs many simulations (a sweep, a phase map) would pay it on every run.
const MAX_POOLED = 512;
const pool: Float64Array[] = [];

/**
 * One call as a service holds it while deciding what to do with it. Reused: taking a call from a
 * queue fills one of these instead of allocating.
 */
export class HeldCall {
  caller: Caller | null = null;
  token = 0;
  deadline = 0;
  /** When it joined the queue. */
  arrivedAt = 0;
}

/**
 * A queue of calls usable as a FIFO or LIFO, O(1) at both ends, that allocates only one block per
 * 1,024 calls of growth.
 */
export class CallQueue {
  // Oldest block first; the head is in blocks[0], the tail in the last block.
  private blocks: Float64Array[] = [newBlock()];
  // The last of `blocks`, where pushes go.
  private tailBlock = this.blocks[0]!;
  // Every caller that ever queued here (a handful: the components wired to this one).
  private readonly callers: Caller[] = [];
  private readonly callerIndex = new Map<Caller, number>();
  private lastCaller: Caller | null = null;
  private lastIndex = -1;
  // Index of the oldest call in blocks[0], and one past the newest in the last block.
  private head = 0;
  private tail = 0;
  private count = 0;

  /** Number of queued calls. */
  get length(): number {
    return this.count;
  }

  /** Appends a call at the tail. */
  push(caller: Caller, token: number, deadline: number, arrivedAt: number): void {
    if (this.tail === BLOCK) this.addBlock();
    const block = this.tailBlock;
    const at = FIELDS * this.tail++;
    block[at] = caller === this.lastCaller ? this.lastIndex : this.indexOf(caller);
    block[at + 1] = token;
    block[at + 2] = deadline;
    block[at + 3] = arrivedAt;
    this.count++;
  }

  /** Appends a held call at the tail. */
  pushHeld(call: HeldCall): void {
    this.push(call.caller!, call.token, call.deadline, call.arrivedAt);
  }

  /** Arrival time of the oldest call; undefined when empty. */
  headArrivedAt(): number | undefined {
    return this.count === 0 ? undefined : this.blocks[0]![FIELDS * this.head + 3];
  }

  /** Moves the oldest call into `out`; false (and `out` untouched) when empty. */
  shift(out: HeldCall): boolean {
    if (this.count === 0) return false;
    const block = this.blocks[0]!;
    const i = this.head++;
    this.copy(block, i, out);
    if (--this.count === 0) {
      // Head met tail: one block is left; start it over.
      this.head = 0;
      this.tail = 0;
    } else if (this.head === BLOCK) {
      recycle(this.blocks.shift()!);
      this.head = 0;
    }
    return true;
  }

  /** Moves the newest call into `out`; false (and `out` untouched) when empty. */
  pop(out: HeldCall): boolean {
    if (this.count === 0) return false;
    const block = this.tailBlock;
    const i = --this.tail;
    this.copy(block, i, out);
    if (--this.count === 0) {
      this.head = 0;
      this.tail = 0;
    } else if (this.tail === 0) {
      recycle(this.blocks.pop()!);
      this.tailBlock = this.blocks[this.blocks.length - 1]!;
      this.tail = BLOCK;
    }
    return true;
  }

  /** Removes every call, oldest first, into `into`. */
  drainInto(into: CallQueue): void {
    const held = new HeldCall();
    while (this.shift(held)) into.pushHeld(held);
  }

  private copy(block: Float64Array, i: number, out: HeldCall): void {
    const at = FIELDS * i;
    out.caller = this.callers[block[at]!]!;
    out.token = block[at + 1]!;
    out.deadline = block[at + 2]!;
    out.arrivedAt = block[at + 3]!;
  }

  // Rare paths live in their own methods, so `push` stays small enough for the JIT to inline.
  private addBlock(): void {
    this.tailBlock = newBlock();
    this.blocks.push(this.tailBlock);
    this.tail = 0;
  }

  private indexOf(caller: Caller): number {
    let index = this.callerIndex.get(caller);
    if (index === undefined) {
      index = this.callers.push(caller) - 1;
      this.callerIndex.set(caller, index);
    }
    this.lastCaller = caller;
    this.lastIndex = index;
    return index;
  }
}

function newBlock(): Float64Array {
  return pool.pop() ?? new Float64Array(FIELDS * BLOCK);
}

function recycle(block: Float64Array): void {
  if (pool.length < MAX_POOLED) pool.push(block);
}
