// Pan and zoom of the topology canvas, as plain arithmetic so it can be tested by hand. A view is
// the drawing point shown at the canvas's top-left corner and a scale in screen pixels per drawing
// unit; the SVG's viewBox follows from it and the canvas's size in pixels.

/** What the canvas shows: drawing point (x, y) at its top-left, `k` screen pixels per drawing unit. */
export interface View {
  x: number;
  y: number;
  k: number;
}

/** A rectangle in drawing units. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Closest and farthest zoom: 20% (a large system on a laptop) to 400%. */
export const MIN_ZOOM = 0.2;
export const MAX_ZOOM = 4;
/** Fitting never enlarges past this: a three-node scenario stays at a readable size, not 300%. */
export const FIT_MAX_ZOOM = 1.25;
/** One press of a zoom button or key. */
export const ZOOM_STEP = 1.25;

const clampZoom = (k: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** The view that shows all of `content` (plus `pad` units round it) centred in a `width` x `height` px canvas. */
export function fitView(content: Box, width: number, height: number, pad = 24): View {
  const w = content.w + 2 * pad;
  const h = content.h + 2 * pad;
  const k = clampZoom(Math.min(width / w, height / h, FIT_MAX_ZOOM));
  // Centre the padded content: the spare screen space is split evenly on both sides.
  return {
    x: content.x - pad - (width / k - w) / 2,
    y: content.y - pad - (height / k - h) / 2,
    k,
  };
}

/** Zooms by `factor` keeping the drawing point under screen pixel (px, py) where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const k = clampZoom(view.k * factor);
  // The point under the pointer is x + px / k before and must be x' + px / k' after.
  return { x: view.x + px / view.k - px / k, y: view.y + py / view.k - py / k, k };
}

/** Moves the drawing with the pointer by (dx, dy) screen pixels. */
export function panBy(view: View, dx: number, dy: number): View {
  return { x: view.x - dx / view.k, y: view.y - dy / view.k, k: view.k };
}

/** The SVG viewBox for `view` on a `width` x `height` px canvas. */
export function viewBox(view: View, width: number, height: number): string {
  const r = (v: number) => Math.round(v * 100) / 100;
  return `${r(view.x)} ${r(view.y)} ${r(width / view.k)} ${r(height / view.k)}`;
}

/** The drawing point under screen pixel (px, py) of the canvas. */
export function toDrawing(view: View, px: number, py: number): { x: number; y: number } {
  return { x: view.x + px / view.k, y: view.y + py / view.k };
}

/** The zoom factor a wheel turn of `deltaY` pixels asks for: 100 px (one notch) is about 1.16x. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}

/** The smallest box holding every rectangle, or a default area when there are none. */
export function boundsOf(rects: Box[]): Box {
  if (rects.length === 0) return { x: 0, y: 0, w: 480, h: 140 };
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  return {
    x,
    y,
    w: Math.max(...rects.map((r) => r.x + r.w)) - x,
    h: Math.max(...rects.map((r) => r.y + r.h)) - y,
  };
}

/** How far above the higher end a detour's control points go, in drawing units. */
const DETOUR = 60;

/** Whether the straight segment from a to b passes through `box` (sampled every few units). */
function crosses(a: { x: number; y: number }, b: { x: number; y: number }, box: Box): boolean {
  const steps = Math.max(2, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 8));
  for (let i = 1; i < steps; i++) {
    const x = a.x + ((b.x - a.x) * i) / steps;
    const y = a.y + ((b.y - a.y) * i) / steps;
    if (x > box.x && x < box.x + box.w && y > box.y && y < box.y + box.h) return true;
  }
  return false;
}

/**
 * An edge from the right-hand side of `from` to the left-hand side of `to`: straight, or, when that
 * would pass behind another node (a call that skips a tier), a curve over the top. `top` is the
 * curve's highest point, so the view can keep it in sight (null for a straight edge).
 */
export function edgeRoute(from: Box, to: Box, others: Box[]): { d: string; top: number | null } {
  const a = { x: from.x + from.w, y: from.y + from.h / 2 };
  const b = { x: to.x, y: to.y + to.h / 2 };
  const r = (v: number) => Math.round(v * 100) / 100;
  if (!others.some((o) => crosses(a, b, o)))
    return { d: `M ${r(a.x)} ${r(a.y)} L ${r(b.x)} ${r(b.y)}`, top: null };
  const dx = (b.x - a.x) / 3;
  const c = Math.min(a.y, b.y) - DETOUR;
  // A cubic's middle is 1/8 of each end and 3/8 of each control point.
  return {
    d: `M ${r(a.x)} ${r(a.y)} C ${r(a.x + dx)} ${r(c)}, ${r(b.x - dx)} ${r(c)}, ${r(b.x)} ${r(b.y)}`,
    top: 0.125 * (a.y + b.y) + 0.75 * c,
  };
}
