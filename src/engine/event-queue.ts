/**
 * The pending-event list: a binary min-heap keyed by (time, insertion sequence), stored in
 * parallel typed arrays so the hot path allocates nothing per event.
 *
 * Ties on time are broken by the sequence number, so events scheduled for the same instant run
 * in the order they were scheduled, on every run and every platform.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private slots: Int32Array;
  private count = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.slots = new Int32Array(initialCapacity);
  }

  /** Number of entries in the heap (including any the owner has marked as cancelled). */
  get size(): number {
    return this.count;
  }

  /** Time of the earliest entry; Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
  }

  /** Slot of the earliest entry; -1 when empty. */
  peekSlot(): number {
    return this.count === 0 ? -1 : this.slots[0]!;
  }

  /** Adds an entry; O(log n). */
  push(time: number, slot: number): void {
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    // Sift up with a hole instead of swaps: one write per level.
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      slots[i] = slots[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Removes the earliest entry and returns its slot; O(log n). Call only when size > 0. */
  pop(): number {
    const slots = this.slots;
    const top = slots[0]!;
    const last = --this.count;
    if (last === 0) return top;
    this.siftDown(0, this.times[last]!, this.seqs[last]!, slots[last]!);
    return top;
  }

  /**
   * Keeps only the entries whose slot passes `keep` (called once per entry, in no particular
   * order) and rebuilds the heap in O(n). The pop order of what remains is unchanged: it depends
   * only on each entry's (time, sequence), which compaction keeps.
   */
  retain(keep: (slot: number) => boolean): void {
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      if (!keep(slots[i]!)) continue;
      times[n] = times[i]!;
      seqs[n] = seqs[i]!;
      slots[n] = slots[i]!;
      n++;
    }
    this.count = n;
    // Floyd's heap construction: sift down every parent, last first.
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, times[i]!, seqs[i]!, slots[i]!);
  }

  private siftDown(start: number, time: number, seq: number, slot: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const n = this.count;
    const half = n >> 1;
    let i = start;
    while (i < half) {
      let child = 2 * i + 1;
      let ct = times[child]!;
      let cs = seqs[child]!;
      const right = child + 1;
      if (right < n) {
        const rt = times[right]!;
        if (rt < ct || (rt === ct && seqs[right]! < cs)) {
          child = right;
          ct = rt;
          cs = seqs[right]!;
        }
      }
      if (time < ct || (time === ct && seq < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      slots[i] = slots[child]!;
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const times = new Float64Array(n);
    const seqs = new Float64Array(n);
    const slots = new Int32Array(n);
    times.set(this.times);
    seqs.set(this.seqs);
    slots.set(this.slots);
    this.times = times;
    this.seqs = seqs;
    this.slots = slots;
  }
}
