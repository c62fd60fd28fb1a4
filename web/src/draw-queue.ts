import { useEffect, useRef } from "preact/hooks";

// How charts get drawn on the page: each when it is (nearly) in view, at most once per REDRAW_MS
// while it grows, one after another, a frame apart, so a dozen charts never pile into one task.

/** Shortest time between two redraws of one growing chart, in ms. */
export const REDRAW_MS = 500;
/** Work one frame may do before the next chart waits for the next frame, in ms. */
const FRAME_BUDGET_MS = 4;

const pending = new Set<() => void>();
let flushing = false;

function flush(): void {
  const start = performance.now();
  for (const job of pending) {
    pending.delete(job);
    job();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  flushing = pending.size > 0;
  if (flushing) afterNextFrame(flush);
}

// Charts are drawn in a task just after a frame, not inside it: the frame lays out what the last
// report rendered (the verdict, the tables, the canvas), and a chart drawn in the same task would
// add its own cost to that (measured: 53-56 ms of CPU for the frame that shows a run's results).
// A canvas needs no frame to be drawn on; the next frame shows it.
function afterNextFrame(job: () => void): void {
  requestAnimationFrame(() => setTimeout(job, 0));
}

function schedule(job: () => void): void {
  pending.add(job);
  if (!flushing) {
    flushing = true;
    afterNextFrame(flush);
  }
}

// Printing draws every chart, seen or not (a chart is otherwise drawn when it scrolls into view).
const printers = new Set<() => void>();
if (typeof window !== "undefined")
  window.addEventListener("beforeprint", () => {
    for (const p of printers) p();
  });

/** What a chart component hands the queue: how to draw `spec` into `host`, and how to let go. */
export interface Painter<S> {
  draw(host: HTMLElement, spec: S, previous: S | null): void;
  resize(): void;
  dispose(): void;
}

/**
 * Draws `spec` into the returned element's ref through `painter`: when it is within 200 px of the
 * view, at most once per REDRAW_MS, each draw measured as a "chart-draw" performance entry.
 */
export function useQueuedDraw<S>(spec: S, id: string, painter: () => Painter<S>) {
  const host = useRef<HTMLElement>(null);
  const paint = useRef<Painter<S> | null>(null);
  const visible = useRef(false);
  const latest = useRef(spec);
  const drawn = useRef<S | null>(null);
  const lastDraw = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  latest.current = spec;
  // One function per chart, so a chart waiting in the queue is drawn once, with its latest spec.
  const drawNow = useRef((force = false) => {
    const el = host.current;
    if (!el || (!visible.current && !force) || drawn.current === latest.current) return;
    paint.current ??= painter();
    lastDraw.current = performance.now();
    performance.mark("chart-draw-start");
    paint.current.draw(el, latest.current, drawn.current);
    performance.measure("chart-draw", { start: "chart-draw-start", detail: id });
    drawn.current = latest.current;
  }).current;
  const job = useRef(() => drawNow()).current;
  const update = () => {
    if (timer.current) return;
    const wait = lastDraw.current + REDRAW_MS - performance.now();
    if (wait <= 0) schedule(job);
    else
      timer.current = setTimeout(() => {
        timer.current = null;
        schedule(job);
      }, wait);
  };
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const resize = new ResizeObserver(() => paint.current?.resize());
    resize.observe(el);
    const seen = new IntersectionObserver(
      (entries) => {
        visible.current = entries.some((e) => e.isIntersecting);
        if (visible.current) schedule(job);
      },
      { rootMargin: "200px" },
    );
    seen.observe(el);
    const print = () => {
      drawNow(true);
      paint.current?.resize();
    };
    printers.add(print);
    return () => {
      pending.delete(job);
      printers.delete(print);
      if (timer.current) clearTimeout(timer.current);
      seen.disconnect();
      resize.disconnect();
      paint.current?.dispose();
      paint.current = null;
    };
  }, []);
  useEffect(update, [spec]);
  return host;
}
