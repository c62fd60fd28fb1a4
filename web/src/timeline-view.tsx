import docs from "virtual:option-docs";
import { useRef, useState } from "preact/hooks";
import type { z } from "zod";
import { faultParams, INTERVENTION_KINDS, isLasting, TRIGGER_KINDS } from "../../src/model/faults/fault.js";
import { createProfile, type ProfileSpec } from "../../src/model/load/profile.js";
import { formatIssue } from "../../src/scenario/scenario-error.js";
import { scenarioSchema } from "../../src/scenario/schema.js";
import { ObjectFields } from "./option-form.js";
import { componentsOf, scenarioData, setAt, validation } from "./scenario-store.js";

type Change = { kind?: string; target?: string; at?: number; duration?: number; [k: string]: unknown };
type Section = "triggers" | "interventions";

const SETTINGS = ["name", "description", "seed", "duration", "drain", "probeInterval", "window", "limits"];
const settingsShape = Object.fromEntries(
  SETTINGS.map((k) => [k, (scenarioSchema.shape as Record<string, z.ZodType>)[k]!]),
);

const W = 640;
const LOAD_H = 110;
const LANE_H = 22;
const PAD = 36;
const RIGHT = 16;

/** Offered rate of all sources at time t; null where a profile does not build (its form shows why). */
function offeredAt(data: Record<string, unknown>, duration: number): { t: number; rate: number }[] | null {
  const sources = Object.values((data.sources as Record<string, { profile?: ProfileSpec }>) ?? {});
  try {
    const profiles = sources.map((s) => createProfile(s.profile as ProfileSpec));
    const cuts = new Set<number>([0, duration]);
    for (const p of profiles) for (const t of p.breakpoints(duration)) cuts.add(t);
    // Ramps need points between breakpoints too.
    for (let i = 0; i <= 100; i++) cuts.add((duration * i) / 100);
    return [...cuts]
      .filter((t) => t >= 0 && t <= duration)
      .sort((a, b) => a - b)
      .flatMap((t) => {
        const before = profiles.reduce((s, p) => s + (t > 0 ? p.rateJustBefore(t) : p.rate(0)), 0);
        const at = profiles.reduce((s, p) => s + (t < duration ? p.rate(t) : p.rateJustBefore(t)), 0);
        return [
          { t, rate: before },
          { t, rate: at },
        ];
      });
  } catch {
    return null;
  }
}

/** The load profile and the scheduled changes on one time axis; changes drag along it. */
function TimeAxis({ data }: { data: Record<string, unknown> }) {
  const duration = typeof data.duration === "number" && data.duration > 0 ? data.duration : 60;
  const end = duration + (typeof data.drain === "number" ? data.drain : 0);
  const load = offeredAt(data, duration);
  const maxRate = Math.max(1, ...(load ?? []).map((p) => p.rate));
  const changes = (["triggers", "interventions"] as Section[]).flatMap((section) =>
    ((data[section] as Change[] | undefined) ?? []).map((c, i) => ({ section, i, c })),
  );
  const height = LOAD_H + 24 + changes.length * LANE_H + 20;
  const x = (t: number) => PAD + (t / end) * (W - PAD - RIGHT);
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ section: Section; i: number; dt: number; at: number } | null>(null);
  const timeAt = (e: PointerEvent) => {
    const r = svg.current!.getBoundingClientRect();
    // The drawing scales with the pane: map the pointer back to drawing units first.
    return ((((e.clientX - r.left) * W) / r.width - PAD) / (W - PAD - RIGHT)) * end;
  };
  const ticks = Array.from({ length: 6 }, (_, k) => Math.round(((end * k) / 5) * 10) / 10);
  return (
    <svg
      ref={svg}
      class="timeline"
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
      role="img"
      aria-label="timeline"
      onPointerMove={(e) => {
        if (!drag) return;
        const at = Math.max(0, Math.round((timeAt(e) - drag.dt) * 10) / 10);
        setDrag({ ...drag, at });
      }}
      onPointerUp={() => {
        if (drag) setAt([drag.section, drag.i, "at"], drag.at);
        setDrag(null);
      }}
    >
      <rect x={x(duration)} y={0} width={x(end) - x(duration)} height={LOAD_H} class="drain" />
      {load ? (
        <polyline
          class="load"
          points={load.map((p) => `${x(p.t)},${LOAD_H - (p.rate / maxRate) * (LOAD_H - 14)}`).join(" ")}
        />
      ) : (
        <text x={PAD} y={LOAD_H / 2} class="muted">
          the load profile has errors (see the source's form)
        </text>
      )}
      <text x={2} y={12} class="muted">
        {Number(maxRate.toPrecision(3))} req/s
      </text>
      {ticks.map((t) => (
        <text key={t} x={x(t)} y={LOAD_H + 16} class="tick" text-anchor="middle">
          {t}
        </text>
      ))}
      {changes.map(({ section, i, c }, lane) => {
        const at = drag && drag.section === section && drag.i === i ? drag.at : (c.at ?? 0);
        const len = typeof c.duration === "number" ? c.duration : 0;
        const y = LOAD_H + 24 + lane * LANE_H;
        return (
          <g
            key={`${section}-${i}`}
            class={`change ${section}`}
            data-change={`${section}.${i}`}
            onPointerDown={(e) => {
              (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
              setDrag({ section, i, dt: timeAt(e) - at, at });
            }}
          >
            <rect x={x(at)} y={y} width={Math.max(4, x(at + len) - x(at))} height={LANE_H - 6} rx={3} />
            <text x={x(at + len) + 6} y={y + 12}>
              {c.kind} {c.target} @ {at} s
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function ChangeRow({
  section,
  i,
  c,
  targets,
}: {
  section: Section;
  i: number;
  c: Change;
  targets: string[];
}) {
  const kinds = section === "triggers" ? TRIGGER_KINDS : INTERVENTION_KINDS;
  const path = (f: string) => [section, i, f];
  const fieldIssues = (f: string) =>
    validation.value.issues.filter(
      (x) => x.field === `${section}.${i}.${f}` || (f === "" && x.field === `${section}.${i}`),
    );
  const params = c.kind ? faultParams(c.kind) : [];
  const number = (f: string, label = f) => (
    <label key={f}>
      <code>{label}</code>
      <input
        type="number"
        step="any"
        name={`${section}.${i}.${f}`}
        value={typeof c[f] === "number" ? String(c[f]) : ""}
        onChange={(e) => {
          const t = (e.target as HTMLInputElement).value.trim();
          setAt(path(f), t === "" ? undefined : Number(t));
        }}
      />
    </label>
  );
  const all = ["", "kind", "target", "at", "duration", ...params.map((p) => p.name)].flatMap(fieldIssues);
  return (
    <div class="change-row" data-row={`${section}.${i}`}>
      <select
        name={`${section}.${i}.kind`}
        value={c.kind ?? ""}
        onChange={(e) => {
          const kind = (e.target as HTMLSelectElement).value;
          // Parameters of the old kind would be refused by the new one.
          setAt([section, i], {
            kind,
            target: c.target ?? targets[0] ?? "",
            at: c.at ?? 0,
            ...(isLasting(kind) && { duration: c.duration ?? 10 }),
          });
        }}
      >
        {kinds.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <select
        name={`${section}.${i}.target`}
        value={c.target ?? ""}
        onChange={(e) => setAt(path("target"), (e.target as HTMLSelectElement).value)}
      >
        {[...new Set([...(c.target ? [c.target] : []), ...targets])].map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      {number("at")}
      {c.kind && isLasting(c.kind) && number("duration")}
      {params.map((p) => number(p.name, p.optional ? `${p.name}?` : p.name))}
      <button
        type="button"
        class="danger"
        title="remove"
        onClick={() => {
          const list = [...((scenarioData.value?.[section] as Change[]) ?? [])];
          list.splice(i, 1);
          setAt([section], list.length > 0 ? list : undefined);
        }}
      >
        ×
      </button>
      {all.length > 0 && (
        <ul class="field-issues" role="alert">
          {all.map((x) => (
            <li key={formatIssue(x)}>{formatIssue(x)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Scenario settings, the load profile and the triggers and interventions on a time axis. */
export function TimelineView() {
  const data = scenarioData.value;
  if (!data) return <p class="notice">The YAML does not parse; fix it in the YAML tab.</p>;
  const targets = componentsOf(data).map((c) => c.name);
  return (
    <div class="timeline-view">
      <TimeAxis data={data} />
      {(["triggers", "interventions"] as Section[]).map((section) => {
        const list = (data[section] as Change[] | undefined) ?? [];
        const kinds = section === "triggers" ? TRIGGER_KINDS : INTERVENTION_KINDS;
        return (
          <section key={section}>
            <h3>{section}</h3>
            {list.map((c, i) => (
              <ChangeRow key={`${section}-${i}`} section={section} i={i} c={c} targets={targets} />
            ))}
            <button
              type="button"
              onClick={() => {
                const kind = kinds[0]!;
                const at = typeof data.duration === "number" ? Math.round(data.duration / 3) : 0;
                const entry = {
                  kind,
                  target: targets[0] ?? "",
                  at,
                  ...(isLasting(kind) && { duration: 10 }),
                };
                setAt([section], [...list, entry]);
              }}
            >
              Add {section === "triggers" ? "trigger" : "intervention"}
            </button>
          </section>
        );
      })}
      <section class="settings">
        <h3>settings</h3>
        <ObjectFields
          path={[]}
          shape={settingsShape}
          value={data}
          docs={docs.ScenarioSettings ?? {}}
          names={[]}
        />
      </section>
    </div>
  );
}
