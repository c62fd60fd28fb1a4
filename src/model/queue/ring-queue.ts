// Items live in fixed-size blocks rather than one array that doubles: a queue that grows to
// hundreds of thousands of calls (a retry storm) never copies them into a bigger array, and each
// block is an ordinary young object, where one huge array would sit in the large-object space
// and turn every push of a new call into a remembered-set entry for the garbage collector.
const BLOCK = 1024;

/**
 * A queue usable as a FIFO or LIFO with O(1) operations at both ends (Array#shift is O(n) once V8
 * gives up on its fast path for large arrays).
 */
export class RingQueue<T> {
  // Oldest block first; the head is in blocks[0], the tail in the last block.
  private blocks: (T | undefined)[][] = [new Array(BLOCK)];
  // Index of the oldest item in blocks[0], and one past the newest in the last block.
  private head = 0;
  private tail = 0;
  private count = 0;

  /** Number of queued items. */
  get length(): number {
    return this.count;
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.tail === BLOCK) {
      this.blocks.push(new Array(BLOCK));
      this.tail = 0;
    }
    this.blocks[this.blocks.length - 1]![this.tail++] = item;
    this.count++;
  }

  /** Removes from the head (oldest first); undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const first = this.blocks[0]!;
    const item = first[this.head];
    first[this.head++] = undefined;
    if (--this.count === 0) {
      // Head met tail: one block is left; start it over.
      this.head = 0;
      this.tail = 0;
    } else if (this.head === BLOCK) {
      this.blocks.shift();
      this.head = 0;
    }
    return item;
  }

  /** The oldest item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.blocks[0]![this.head];
  }

  /** Removes from the tail (newest first); undefined when empty. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const last = this.blocks[this.blocks.length - 1]!;
    const item = last[--this.tail];
    last[this.tail] = undefined;
    if (--this.count === 0) {
      this.head = 0;
      this.tail = 0;
    } else if (this.tail === 0) {
      this.blocks.pop();
      this.tail = BLOCK;
    }
    return item;
  }

  /** Removes everything. */
  clear(): void {
    this.blocks = [new Array(BLOCK)];
    this.head = 0;
    this.tail = 0;
    this.count = 0;
  }
}
