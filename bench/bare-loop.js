// The limit the engine is measured against: an M/M/1 at utilisation rho written as one loop over
// a bare binary heap in typed arrays (time, then a sequence number to break ties, as the engine
// does), with the engine's random streams and no components, handlers or handles.
import { createStream } from "../dist/engine/random.js";

const ARRIVAL = 0;
const DEPARTURE = 1;

/** Runs `targetEvents` events of an M/M/1 (rate rho, mean service 1); returns seconds and a checksum. */
export function bareMm1(rho, targetEvents) {
  let cap = 1024;
  let times = new Float64Array(cap);
  let seqs = new Float64Array(cap);
  let kinds = new Int32Array(cap);
  let count = 0;
  let nextSeq = 0;
  const push = (time, kind) => {
    if (count === cap) {
      cap *= 2;
      const t = new Float64Array(cap);
      const s = new Float64Array(cap);
      const k = new Int32Array(cap);
      t.set(times);
      s.set(seqs);
      k.set(kinds);
      times = t;
      seqs = s;
      kinds = k;
    }
    const seq = nextSeq++;
    let i = count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      kinds[i] = kinds[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    kinds[i] = kind;
  };
  const arrivals = createStream(1, "source:arrivals");
  const service = createStream(1, "server:s");
  let now = 0;
  let queued = 0;
  let busy = false;
  let served = 0;
  push(-Math.log(1 - arrivals.next()) / rho, ARRIVAL);
  const t0 = performance.now();
  for (let n = 0; n < targetEvents && count > 0; n++) {
    // Pop the earliest entry (sift down with a hole).
    const time = times[0];
    const kind = kinds[0];
    const last = --count;
    if (last > 0) {
      const lt = times[last];
      const ls = seqs[last];
      const lk = kinds[last];
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        let ct = times[c];
        let cs = seqs[c];
        const r = c + 1;
        if (r < last) {
          const rt = times[r];
          if (rt < ct || (rt === ct && seqs[r] < cs)) {
            c = r;
            ct = rt;
            cs = seqs[r];
          }
        }
        if (lt < ct || (lt === ct && ls < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        kinds[i] = kinds[c];
        i = c;
      }
      times[i] = lt;
      seqs[i] = ls;
      kinds[i] = lk;
    }
    now = time;
    if (kind === ARRIVAL) {
      push(now - Math.log(1 - arrivals.next()) / rho, ARRIVAL);
      if (busy) queued++;
      else {
        busy = true;
        push(now - Math.log(1 - service.next()), DEPARTURE);
      }
    } else {
      served++;
      if (queued > 0) {
        queued--;
        push(now - Math.log(1 - service.next()), DEPARTURE);
      } else busy = false;
    }
  }
  return { seconds: (performance.now() - t0) / 1000, events: targetEvents, served, now };
}
