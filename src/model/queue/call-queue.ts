import type { Caller } from "../call.js";

// Calls live in fixed-size blocks of parallel arrays rather than as one object each: a queue that
// grows to hundreds of thousands of calls (a retry storm) then costs the garbage collector one
// array of caller references per block (a handful of distinct callers), while tokens and times sit
// in typed arrays it never scans or copies. Blocks also mean growth never copies what is queued.
const BLOCK = 1024;

class Block {
  readonly callers: (Caller | null)[] = new Array(BLOCK).fill(null);
  // Token, deadline and arrival time of call i at 3i, 3i + 1 and 3i + 2: one allocation a block.
  readonly numbers = new Float64Array(3 * BLOCK);
}

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
  private blocks: Block[] = [new Block()];
  // A spare emptied block, reused before a new one is made (a queue hovering at a block boundary).
  private spare: Block | null = null;
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
    if (this.tail === BLOCK) {
      this.blocks.push(this.spare ?? new Block());
      this.spare = null;
      this.tail = 0;
    }
    const block = this.blocks[this.blocks.length - 1]!;
    const i = this.tail++;
    block.callers[i] = caller;
    const numbers = block.numbers;
    numbers[3 * i] = token;
    numbers[3 * i + 1] = deadline;
    numbers[3 * i + 2] = arrivedAt;
    this.count++;
  }

  /** Appends a held call at the tail. */
  pushHeld(call: HeldCall): void {
    this.push(call.caller!, call.token, call.deadline, call.arrivedAt);
  }

  /** Arrival time of the oldest call; undefined when empty. */
  headArrivedAt(): number | undefined {
    return this.count === 0 ? undefined : this.blocks[0]!.numbers[3 * this.head + 2];
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
      this.spare = this.blocks.shift()!;
      this.head = 0;
    }
    return true;
  }

  /** Moves the newest call into `out`; false (and `out` untouched) when empty. */
  pop(out: HeldCall): boolean {
    if (this.count === 0) return false;
    const block = this.blocks[this.blocks.length - 1]!;
    const i = --this.tail;
    this.copy(block, i, out);
    if (--this.count === 0) {
      this.head = 0;
      this.tail = 0;
    } else if (this.tail === 0) {
      this.spare = this.blocks.pop()!;
      this.tail = BLOCK;
    }
    return true;
  }

  /** Removes every call, oldest first, into `into`. */
  drainInto(into: CallQueue): void {
    const held = new HeldCall();
    while (this.shift(held)) into.pushHeld(held);
  }

  private copy(block: Block, i: number, out: HeldCall): void {
    out.caller = block.callers[i]!;
    const numbers = block.numbers;
    out.token = numbers[3 * i]!;
    out.deadline = numbers[3 * i + 1]!;
    out.arrivedAt = numbers[3 * i + 2]!;
    // Let go of the caller, so a queue does not keep a removed component alive.
    block.callers[i] = null;
  }
}
