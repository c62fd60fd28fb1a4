import { useEffect, useRef, useState } from "preact/hooks";
import type { ComponentType } from "../../src/scenario/component-type.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import {
  boundsOf,
  edgeRoute,
  fitView,
  panBy,
  toDrawing,
  type View,
  viewBox,
  wheelFactor,
  ZOOM_STEP,
  zoomAt,
} from "./canvas-view.js";
import { liveLabel, type NodeLive } from "./live-state.js";
import {
  addComponent,
  appendAt,
  componentsOf,
  freeName,
  placeComponent,
  removeComponent,
  scenarioData,
  selected,
  setAt,
  validation,
} from "./scenario-store.js";
import { newComponent } from "./starting-values.js";
import { allowedConnections, type Connection, connectionFields } from "./wiring.js";

const W = 132;
const H = 46;
const COL = 170;
const ROW = 70;

interface Node {
  name: string;
  section: string;
  type: string;
  refs: { field: string; to: string }[];
  /** Whether it names other components (and so has a port to drag connections from). */
  calls: boolean;
  x: number;
  y: number;
}

type Point = { x: number; y: number };

/** The scenario's `layout` entry for a component, when it is a usable one. */
function placed(data: Record<string, unknown> | null, name: string): Point | undefined {
  const p = (data?.layout as Record<string, Partial<Point> | null> | undefined)?.[name];
  return p && Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x!, y: p.y! } : undefined;
}

/** Nodes where the scenario's `layout` puts them; the rest in columns by distance from the load. */
function layout(data: Record<string, unknown> | null): Node[] {
  const all = componentsOf(data);
  const refs = new Map(
    all.map((c) => {
      let list: { field: string; to: string }[] = [];
      try {
        list = c.type
          .references(c.spec as never)
          .filter((r) => typeof r.name === "string")
          .map((r) => ({ field: r.path.join("."), to: r.name }));
      } catch {
        // An entry missing its reference field has no edges yet; its form says what is missing.
      }
      return [c.name, list];
    }),
  );
  const depth = new Map<string, number>();
  const visit = (name: string, d: number, seen: Set<string>) => {
    if (seen.has(name) || (depth.get(name) ?? -1) >= d) return;
    depth.set(name, d);
    seen.add(name);
    for (const r of refs.get(name) ?? []) visit(r.to, d + 1, seen);
    seen.delete(name);
  };
  for (const c of all) if (c.type.roles.includes("load")) visit(c.name, 0, new Set());
  for (const c of all) if (!depth.has(c.name)) visit(c.name, 0, new Set());
  const rows = new Map<number, number>();
  return all.map((c) => {
    const d = depth.get(c.name) ?? 0;
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    const p = placed(data, c.name) ?? { x: 16 + d * COL, y: 16 + row * ROW };
    return {
      name: c.name,
      section: c.section,
      type: c.type.type,
      refs: refs.get(c.name) ?? [],
      calls: connectionFields(c.type).length > 0,
      ...p,
    };
  });
}

/** An edge into a component that is doing work is drawn thicker the more it finishes (log scale). */
function flowStyle(to: NodeLive | undefined): Record<string, string> | undefined {
  if (!to?.finishedPerSec) return undefined;
  return { strokeWidth: String(1 + Math.min(5, Math.log10(1 + to.finishedPerSec))) };
}

/** The live state for a screen reader, after the node's name. */
function liveWords(n: NodeLive | undefined): string {
  // The same words as the label under the node, so the accessible name contains the visible text.
  return n ? ` ${n.state ?? ""} ${liveLabel(n)}`.replace(/ +/g, " ").trimEnd() : "";
}

/** Writes a connection the registry allows: a list field gains the name, a single one is replaced. */
function connect(from: Node, c: Connection): void {
  const path = [from.section, from.name, c.field.field];
  // A list gains an item (a call step, a backend); the rest of it is left as written.
  if (c.field.step) appendAt(path, { kind: "call", target: c.to });
  else if (c.field.list) appendAt(path, c.to);
  else setAt(path, c.to);
}

/** Adds a new component of `type`, started valid (see starting-values.ts), at `at` on the canvas. */
function addAt(type: ComponentType, at: Point): void {
  const all = componentsOf(scenarioData.value).map((c) => c.name);
  const name = freeName(type, new Set(all));
  // The drop point is where the pointer let go: the node's box is centred on it.
  addComponent(type, name, newComponent(type, name, validation.value.parsed, all), {
    x: at.x - W / 2,
    y: at.y - H / 2,
  });
}

/** How a dragged palette entry names its component type. */
const DRAG_TYPE = "application/x-metastable-type";

/** What an edge means, for its tooltip: "api calls web (step 2)", "client target: server". */
function edgeTitle(from: string, field: string, to: string): string {
  const step = /^steps\.(\d+)\.(?:target|calls\.\d+\.target)$/.exec(field);
  if (step) return `${from} calls ${to} (step ${Number(step[1]) + 1})`;
  return `${from} ${field.replace(/\.\d+$/, "")}: ${to}`;
}

/** What `name` may be wired to, asked of the registry (see wiring.ts). */
function connectionsFrom(nodes: Node[], name: string): Connection[] {
  const from = componentsOf(scenarioData.value).find((c) => c.name === name);
  if (!from) return [];
  return allowedConnections(
    validation.value.parsed,
    from,
    nodes.map((n) => n.name),
  );
}

/** Component types to drag onto the canvas (or press to add one in the middle of the view). */
function Palette({ onAdd }: { onAdd: (type: ComponentType) => void }) {
  return (
    <fieldset class="palette">
      <legend class="sr-only">add a component: drag a type onto the canvas or press it</legend>
      <span class="palette-label" aria-hidden="true">
        Add (drag onto the canvas):
      </span>
      {COMPONENT_TYPES.map((t) => (
        <button
          type="button"
          key={t.type}
          class="palette-item"
          data-palette={t.type}
          draggable
          title={`add a ${t.type} (${t.section}): drag it onto the canvas, or press to add it in the middle`}
          onDragStart={(e) => {
            e.dataTransfer?.setData(DRAG_TYPE, t.type);
            if (e.dataTransfer) e.dataTransfer.effectAllowed = "copy";
          }}
          onClick={() => onAdd(t)}
        >
          {t.type}
        </button>
      ))}
    </fieldset>
  );
}

/**
 * The topology as a canvas: drag a node to move it, drag from its right-hand port to another node
 * to connect them (a service's connection adds a call step), click it to open its form, drag a
 * type from the palette to add one where it is dropped. The wheel, dragging the background, the
 * buttons and the keys + - 0 and arrows zoom and pan; Fit shows every node. Nodes with errors are
 * outlined.
 */
export function TopologyView({ live = null }: { live?: Map<string, NodeLive> | null } = {}) {
  const svg = useRef<SVGSVGElement>(null);
  // The dragged node follows the pointer here; the scenario gets its place when it is dropped.
  const [drag, setDrag] = useState<{ name: string; dx: number; dy: number; at: Point | null } | null>(null);
  const placedNodes = layout(scenarioData.value);
  const nodes = placedNodes.map((n) => (drag?.at && n.name === drag.name ? { ...n, ...drag.at } : n));
  // A connection being drawn, with the components it may end on.
  const [link, setLink] = useState<{
    from: string;
    x: number;
    y: number;
    allowed: Map<string, Connection>;
  } | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  // The canvas's size in screen pixels, and the view the person chose (null: fit every node).
  const [size, setSize] = useState({ w: 640, h: 420 });
  const [chosen, setChosen] = useState<View | null>(null);
  const [pan, setPan] = useState<{ x: number; y: number; from: View } | null>(null);
  useEffect(() => {
    const el = svg.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    // The drawing fills the content box (inside the border), so that is what is measured.
    const measure = () => {
      const w = el.clientWidth;
      const h = el.clientHeight;
      if (w > 0 && h > 0) setSize((s) => (s.w === w && s.h === h ? s : { w, h }));
    };
    const watch = new ResizeObserver(measure);
    watch.observe(el);
    measure();
    return () => watch.disconnect();
  }, []);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const broken = new Set(validation.value.issues.map((i) => i.field.split(".")[1]));
  // Fitting uses the nodes where they are placed, not where one is being dragged, so the view holds
  // still under the pointer; the live line under a node runs past its box.
  const boxOf = (n: Node) => ({ x: n.x, y: n.y, w: W, h: H });
  const routes = (list: Node[]) => {
    const named = new Map(list.map((n) => [n.name, n]));
    return list.flatMap((n) =>
      n.refs.flatMap((r) => {
        const to = named.get(r.to);
        if (!to) return [];
        const others = list.filter((o) => o !== n && o !== to).map(boxOf);
        return [
          {
            key: `${n.name}-${r.field}`,
            from: n.name,
            field: r.field,
            to: r.to,
            ...edgeRoute(boxOf(n), boxOf(to), others),
          },
        ];
      }),
    );
  };
  const edges = routes(nodes);
  // Fitting follows the placed nodes' edges, not a dragged node's, so the view holds still.
  const placedEdges = drag?.at ? routes(placedNodes) : edges;
  const content = boundsOf([
    ...placedNodes.map((n) => ({ x: n.x, y: n.y, w: W + (live ? 60 : 0), h: H + (live ? 16 : 0) })),
    // A curved edge's top stays in the fitted view too.
    ...placedEdges.flatMap((e) =>
      e.top === null ? [] : [{ x: placedNodes[0]?.x ?? 0, y: e.top, w: 0, h: 0 }],
    ),
  ]);
  const view = chosen ?? fitView(content, size.w, size.h);
  // The canvas takes the topology's shape at its width (a row of tiers is not given a tall empty
  // frame), between 220 px and 70% of the window.
  const height = Math.round(
    Math.max(
      220,
      Math.min(0.7 * (globalThis.innerHeight || 800), (size.w * (content.h + 48)) / (content.w + 48)),
    ),
  );
  /** Screen pixels from the canvas's top-left corner. */
  const pixel = (e: { clientX: number; clientY: number }) => {
    const el = svg.current!;
    const r = el.getBoundingClientRect();
    return { x: e.clientX - r.left - el.clientLeft, y: e.clientY - r.top - el.clientTop };
  };
  const point = (e: { clientX: number; clientY: number }) => {
    const p = pixel(e);
    return toDrawing(view, p.x, p.y);
  };
  const zoom = (factor: number, px = size.w / 2, py = size.h / 2) => setChosen(zoomAt(view, factor, px, py));
  const centre = () => toDrawing(view, size.w / 2, size.h / 2);
  return (
    <div class="canvas">
      <div class="canvas-bar">
        <Palette onAdd={(t) => addAt(t, centre())} />
        <fieldset class="zoom">
          <legend class="sr-only">zoom</legend>
          <button
            type="button"
            data-action="zoom-out"
            aria-label="zoom out"
            onClick={() => zoom(1 / ZOOM_STEP)}
          >
            −
          </button>
          <output class="zoom-level" aria-live="polite" aria-label="zoom level" data-zoom={view.k.toFixed(3)}>
            {Math.round(view.k * 100)}%
          </output>
          <button type="button" data-action="zoom-in" aria-label="zoom in" onClick={() => zoom(ZOOM_STEP)}>
            +
          </button>
          <button
            type="button"
            data-action="fit"
            aria-pressed={chosen === null}
            title="show every component (and keep them in view as the scenario changes)"
            onClick={() => setChosen(null)}
          >
            Fit
          </button>
        </fieldset>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG drawing cannot be a fieldset; the group names it */}
      <svg
        class={`topology${pan ? " panning" : ""}`}
        ref={svg}
        viewBox={viewBox(view, size.w, size.h)}
        style={{ height: `${height}px` }}
        data-view={`${view.x.toFixed(1)} ${view.y.toFixed(1)} ${view.k.toFixed(3)}`}
        role="group"
        tabindex={0}
        aria-label="topology canvas: arrow keys pan, + and - zoom, 0 fits every component; Tab to a component: Enter opens its form, arrow keys move it, Delete removes it; drag from its right-hand port to connect it"
        onKeyDown={(e) => {
          // Keys on a node are the node's (it moves with the arrows).
          if (e.target !== e.currentTarget) return;
          const step = e.shiftKey ? 160 : 40;
          const panKeys: Record<string, [number, number]> = {
            ArrowLeft: [step, 0],
            ArrowRight: [-step, 0],
            ArrowUp: [0, step],
            ArrowDown: [0, -step],
          };
          const by = panKeys[e.key];
          if (by) setChosen(panBy(view, by[0], by[1]));
          else if (e.key === "+" || e.key === "=") zoom(ZOOM_STEP);
          else if (e.key === "-" || e.key === "_") zoom(1 / ZOOM_STEP);
          else if (e.key === "0") setChosen(null);
          else return;
          e.preventDefault();
        }}
        onWheel={(e) => {
          e.preventDefault();
          const p = pixel(e);
          zoom(wheelFactor(e.deltaY), p.x, p.y);
        }}
        onDragOver={(e) => {
          if (e.dataTransfer?.types.includes(DRAG_TYPE)) {
            e.preventDefault();
            e.dataTransfer.dropEffect = "copy";
          }
        }}
        onDrop={(e) => {
          const name = e.dataTransfer?.getData(DRAG_TYPE);
          const type = COMPONENT_TYPES.find((t) => t.type === name);
          if (!type) return;
          e.preventDefault();
          addAt(type, point(e));
        }}
        onPointerDown={(e) => {
          // The background: drag it to pan (nodes and ports start their own drags).
          if ((e.target as Element).closest("[data-node]") || e.button !== 0) return;
          (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
          setPan({ ...pixel(e), from: view });
        }}
        onPointerMove={(e) => {
          if (pan) {
            const p = pixel(e);
            setChosen(panBy(pan.from, p.x - pan.x, p.y - pan.y));
            return;
          }
          const p = point(e);
          if (drag) setDrag({ ...drag, at: { x: p.x - drag.dx, y: p.y - drag.dy } });
          else if (link) setLink({ ...link, ...p });
        }}
        onPointerUp={(e) => {
          if (pan) {
            setPan(null);
            return;
          }
          if (link) {
            const target = (e.target as Element).closest("[data-node]")?.getAttribute("data-node");
            const from = byName.get(link.from);
            const c = target ? link.allowed.get(target) : undefined;
            if (from && c) connect(from, c);
            else if (from && target && target !== from.name)
              setRefused(`${from.name} (${from.type}) cannot be connected to ${target}.`);
          } else if (drag?.at) placeComponent(drag.name, drag.at);
          else if (drag) selected.value = drag.name;
          setDrag(null);
          setLink(null);
        }}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="9"
            markerHeight="9"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#555" />
          </marker>
        </defs>
        {edges.map((e) => (
          <path
            key={e.key}
            class={`edge${e.field.startsWith("steps.") ? " call" : ""}${live ? " live" : ""}`}
            data-edge={`${e.from}.${e.field}->${e.to}`}
            style={flowStyle(live?.get(e.to))}
            d={e.d}
            marker-end="url(#arrow)"
          >
            <title>{edgeTitle(e.from, e.field, e.to)}</title>
          </path>
        ))}
        {link && byName.get(link.from) && (
          <line
            class="edge pending"
            x1={byName.get(link.from)!.x + W}
            y1={byName.get(link.from)!.y + H / 2}
            x2={link.x}
            y2={link.y}
          />
        )}
        {nodes.map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>; it acts as one
          <g
            key={n.name}
            data-node={n.name}
            class={`node node-${n.type}${live?.get(n.name)?.state ? ` live-${live.get(n.name)!.state}` : ""}${selected.value === n.name ? " selected" : ""}${broken.has(n.name) ? " broken" : ""}${link ? (link.allowed.has(n.name) ? " can-connect" : n.name === link.from ? "" : " cannot-connect") : ""}`}
            transform={`translate(${n.x},${n.y})`}
            tabindex={0}
            role="button"
            aria-label={`${n.name} ${n.type}${broken.has(n.name) ? " (has errors)" : ""}${liveWords(live?.get(n.name))}`}
            onKeyDown={(e) => {
              const step = e.shiftKey ? 50 : 10;
              const move: Record<string, [number, number]> = {
                ArrowLeft: [-step, 0],
                ArrowRight: [step, 0],
                ArrowUp: [0, -step],
                ArrowDown: [0, step],
              };
              const by = move[e.key];
              if (e.key === "Enter" || e.key === " ") selected.value = n.name;
              else if (e.key === "Delete" || e.key === "Backspace") removeComponent(n.section, n.name);
              else if (by) placeComponent(n.name, { x: n.x + by[0], y: n.y + by[1] });
              else return;
              e.preventDefault();
            }}
            onPointerDown={(e) => {
              const p = point(e);
              (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
              setDrag({ name: n.name, dx: p.x - n.x, dy: p.y - n.y, at: null });
            }}
          >
            <rect width={W} height={H} rx={6} />
            {/* One text with two lines, so it reads "name type" (two texts would run together). */}
            <text>
              <tspan x={10} y={19} class="name">
                {n.name}
              </tspan>
              <tspan x={10} y={36} class="type">
                {` ${n.type}`}
              </tspan>
            </text>
            {live?.get(n.name) && (
              <text class="live-label" x={2} y={H + 13} data-live={live.get(n.name)!.state ?? ""}>
                {/* A leading space, so the node's text reads "name type state ..." as its label does. */}
                {` ${`${live.get(n.name)!.state ?? ""} ${liveLabel(live.get(n.name)!)}`.trim()}`}
              </text>
            )}
            {n.calls && (
              <circle
                class="port"
                cx={W}
                cy={H / 2}
                r={6}
                onPointerDown={(e) => {
                  e.stopPropagation();
                  setRefused(null);
                  const allowed = new Map(connectionsFrom(nodes, n.name).map((c) => [c.to, c]));
                  setLink({ from: n.name, ...point(e), allowed });
                }}
              ></circle>
            )}
          </g>
        ))}
      </svg>
      {/* Below the drawing, so that showing or clearing it never moves the canvas under the pointer. */}
      {refused && (
        <p class="hint" role="status" data-refused>
          {refused}
        </p>
      )}
    </div>
  );
}
