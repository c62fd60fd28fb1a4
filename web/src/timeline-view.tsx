import { useRef, useState } from "preact/hooks";
import type { z } from "zod";
import { faultParams, INTERVENTION_KINDS, isLasting, TRIGGER_KINDS } from "../../src/model/faults/fault.js";
import { createProfile, type ProfileSpec } from "../../src/model/load/profile.js";
import { optionDocs } from "../../src/scenario/option-docs.js";
import { COMPONENT_TYPES } from "../../src/scenario/registry.js";
import { formatIssue } from "../../src/scenario/scenario-error.js";
import { scenarioSchema } from "../../src/scenario/schema.js";
import { SETTINGS_OPTIONS } from "../../src/scenario/settings-options.js";
import { NumberInput } from "./number-input.js";
import { ObjectFields } from "./option-form.js";
import { componentsOf, scenarioData, setAt, validation } from "./scenario-store.js";
import { newChange } from "./starting-values.js";

type Change = { kind?: string; target?: string; at?: number; duration?: number; [k: string]: unknown };
type Section = "triggers" | "interventions";

const SETTINGS = ["name", "description", "seed", "duration", "drain", "probeInterval", "window", "limits"];
const settingsShape = Object.fromEntries(
  SETTINGS.map((k) => [k, (scenarioSchema.shape as Record<string, z.ZodType>)[k]!]),
);

// The settings' docs, from their declarations; name and description explain themselves.
const SETTINGS_DOCS = optionDocs(SETTINGS_OPTIONS);

const W = 640;
const LOAD_H = 110;
const LANE_H = 22;
const PAD = 36;
const RIGHT = 16;

/** Where a load profile lives in the file: a component's option whose value is a profile. */
interface ProfileAt {
  section: string;
  name: string;
  field: string;
}

// The options, by component type, that hold a load profile: the registry says which they are.
const PROFILE_OPTIONS = COMPONENT_TYPES.flatMap((t) =>
  Object.entries(t.options).flatMap(([field, d]) =>
    d.type === "value" && d.format === "profile" ? [{ section: t.section, field }] : [],
  ),
);

/** Every load profile in the scenario, with where it is. */
function profilesIn(data: Record<string, unknown>): { at: ProfileAt; spec: ProfileSpec | undefined }[] {
  return PROFILE_OPTIONS.flatMap(({ section, field }) =>
    Object.entries((data[section] as Record<string, Record<string, unknown>> | undefined) ?? {}).map(
      ([name, entry]) => ({ at: { section, name, field }, spec: entry?.[field] as ProfileSpec | undefined }),
    ),
  );
}

const pathOf = (p: ProfileAt) => [p.section, p.name, p.field];

/** Offered rate of all profiles at time t; null where a profile does not build (its form shows why). */
function offeredAt(data: Record<string, unknown>, duration: number): { t: number; rate: number }[] | null {
  try {
    const profiles = profilesIn(data).map((s) => createProfile(s.spec as ProfileSpec));
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

/** A step of the only profile being dragged (`i` = -1: a constant profile's rate). */
interface StepDrag {
  type: "step";
  holder: ProfileAt;
  i: number;
  at: number;
  rate: number;
  /** The rate axis as it was when the drag began, so it does not rescale under the pointer. */
  scale: number;
  /** Pointer minus step at the start, in seconds and req/s: the step moves by what the pointer moves. */
  dt: number;
  dr: number;
}
type ChangeDrag = { type: "change"; section: Section; i: number; dt: number; at: number };

/** The steps of the scenario's profile when it has one profile, of kind `steps` or `constant`. */
function editableSteps(
  data: Record<string, unknown>,
): { holder: ProfileAt; steps: { i: number; at: number; rate: number }[] } | null {
  const profiles = profilesIn(data);
  if (profiles.length !== 1) return null;
  const { at: holder, spec: p } = profiles[0]!;
  if (p?.kind === "constant" && typeof p.rate === "number")
    return { holder, steps: [{ i: -1, at: 0, rate: p.rate }] };
  if (p?.kind === "steps" && Array.isArray(p.steps))
    return { holder, steps: p.steps.map((st, i) => ({ i, at: st.at, rate: st.rate })) };
  return null;
}

/** The data with a dragged step in place, so the load line follows the pointer. */
function withStep(data: Record<string, unknown>, d: StepDrag): Record<string, unknown> {
  const { section, name, field } = d.holder;
  const entries = data[section] as Record<string, Record<string, unknown>>;
  const p = entries[name]![field] as ProfileSpec;
  const profile =
    p.kind === "steps"
      ? { ...p, steps: p.steps.map((st, i) => (i === d.i ? { at: d.at, rate: d.rate } : st)) }
      : { ...p, rate: d.rate };
  return { ...data, [section]: { ...entries, [name]: { ...entries[name], [field]: profile } } };
}

/**
 * The load profile and the scheduled changes on one time axis. Changes drag along it; a
 * single source's steps (or constant rate) drag up and down for the rate and sideways for the time.
 */
function TimeAxis({ data }: { data: Record<string, unknown> }) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<ChangeDrag | StepDrag | null>(null);
  const duration = typeof data.duration === "number" && data.duration > 0 ? data.duration : 60;
  const end = duration + (typeof data.drain === "number" ? data.drain : 0);
  const shown = drag?.type === "step" ? withStep(data, drag) : data;
  const load = offeredAt(shown, duration);
  // A quarter of headroom, so a step can be dragged above the highest rate.
  const maxRate = drag?.type === "step" ? drag.scale : 1.25 * Math.max(1, ...(load ?? []).map((p) => p.rate));
  const editable = editableSteps(shown);
  const changes = (["triggers", "interventions"] as Section[]).flatMap((section) =>
    ((data[section] as Change[] | undefined) ?? []).map((c, i) => ({ section, i, c })),
  );
  const height = LOAD_H + 24 + changes.length * LANE_H + 20;
  const x = (t: number) => PAD + (t / end) * (W - PAD - RIGHT);
  const y = (rate: number) => LOAD_H - (rate / maxRate) * (LOAD_H - 14);
  // The drawing scales with the pane: pointer positions are mapped back to drawing units first.
  const units = (e: PointerEvent) => {
    const r = svg.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * W) / r.width, y: ((e.clientY - r.top) * W) / r.width };
  };
  const timeAt = (e: PointerEvent) => ((units(e).x - PAD) / (W - PAD - RIGHT)) * end;
  const rateAt = (e: PointerEvent) => ((LOAD_H - units(e).y) / (LOAD_H - 14)) * maxRate;
  const round = (v: number) => Math.max(0, Math.round(v * 10) / 10);
  // Round tick steps (1, 2, 5, 10, 20, 50, ...) with at most six ticks.
  const step =
    [1, 2, 5]
      .flatMap((m) => [0.1, 1, 10, 100, 1000, 10_000].map((p) => m * p))
      .sort((a, b) => a - b)
      .find((d) => end / d <= 6) ?? end;
  const ticks = Array.from({ length: Math.floor(end / step + 1e-9) + 1 }, (_, k) =>
    Number((k * step).toPrecision(6)),
  );
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG drawing cannot be a fieldset; the group names it
    <svg
      ref={svg}
      class="timeline"
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
      role="group"
      aria-label="timeline: Tab to a trigger, intervention or load step; arrow keys move it (Shift: by 10)"
      onPointerMove={(e) => {
        if (drag?.type === "change") setDrag({ ...drag, at: round(timeAt(e) - drag.dt) });
        else if (drag?.type === "step") {
          // Steps keep their order: a step cannot pass its neighbours.
          const steps = editableSteps(data)!.steps;
          const k = steps.findIndex((st) => st.i === drag.i);
          const lo = k > 0 ? steps[k - 1]!.at + 0.1 : 0;
          const hi = k >= 0 && k < steps.length - 1 ? steps[k + 1]!.at - 0.1 : duration;
          const at = drag.i < 0 ? 0 : Math.min(hi, Math.max(lo, round(timeAt(e) - drag.dt)));
          setDrag({ ...drag, at, rate: round(rateAt(e) - drag.dr) });
        }
      }}
      onPointerUp={() => {
        if (drag?.type === "change") setAt([drag.section, drag.i, "at"], drag.at);
        else if (drag?.type === "step") {
          const profile = pathOf(drag.holder);
          if (drag.i < 0) setAt([...profile, "rate"], drag.rate);
          else setAt([...profile, "steps", drag.i], { at: drag.at, rate: drag.rate });
        }
        setDrag(null);
      }}
    >
      <rect x={x(duration)} y={0} width={x(end) - x(duration)} height={LOAD_H} class="drain" />
      {load ? (
        <polyline class="load" points={load.map((p) => `${x(p.t)},${y(p.rate)}`).join(" ")} />
      ) : (
        <text x={PAD} y={LOAD_H / 2} class="muted">
          the load profile has errors (see the source's form)
        </text>
      )}
      <text x={2} y={12} class="muted">
        {Number(maxRate.toPrecision(3))} req/s
      </text>
      {editable?.steps.map((st) => (
        <circle
          key={st.i}
          class="step"
          data-step={st.i}
          cx={x(st.at)}
          cy={y(st.rate)}
          r={5}
          tabindex={0}
          role="slider"
          aria-label={`load step ${st.i < 0 ? "(constant rate)" : `from ${st.at} s`}: up and down change the rate${st.i >= 0 ? ", left and right the time" : ""}`}
          aria-valuemin={0}
          aria-valuenow={st.rate}
          aria-valuetext={`${st.rate} req/s from ${st.at} s`}
          onKeyDown={(e) => {
            const big = e.shiftKey ? 10 : 1;
            const profile = pathOf(editable.holder);
            const steps = editable.steps;
            const k = steps.findIndex((o) => o.i === st.i);
            const lo = k > 0 ? steps[k - 1]!.at + 0.1 : 0;
            const hi = k >= 0 && k < steps.length - 1 ? steps[k + 1]!.at - 0.1 : duration;
            let { at, rate } = st;
            if (e.key === "ArrowUp") rate = round(rate + big);
            else if (e.key === "ArrowDown") rate = round(rate - big);
            else if (e.key === "ArrowRight" && st.i >= 0) at = Math.min(hi, round(at + big));
            else if (e.key === "ArrowLeft" && st.i >= 0) at = Math.max(lo, round(at - big));
            else return;
            e.preventDefault();
            if (st.i < 0) setAt([...profile, "rate"], rate);
            else setAt([...profile, "steps", st.i], { at, rate });
          }}
          onPointerDown={(e) => {
            (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
            setDrag({
              type: "step",
              holder: editable.holder,
              i: st.i,
              at: st.at,
              rate: st.rate,
              scale: maxRate,
              dt: timeAt(e) - st.at,
              dr: rateAt(e) - st.rate,
            });
          }}
        >
          <title>
            {st.rate} req/s from {st.at} s: drag up or down for the rate
            {st.i >= 0 ? ", sideways for the time" : ""}
          </title>
        </circle>
      ))}
      {ticks.map((t) => (
        <text key={t} x={x(t)} y={LOAD_H + 16} class="tick" text-anchor="middle">
          {t}
        </text>
      ))}
      {changes.map(({ section, i, c }, lane) => {
        const at =
          drag?.type === "change" && drag.section === section && drag.i === i ? drag.at : (c.at ?? 0);
        const len = typeof c.duration === "number" ? c.duration : 0;
        const top = LOAD_H + 24 + lane * LANE_H;
        return (
          <g
            key={`${section}-${i}`}
            class={`change ${section}`}
            data-change={`${section}.${i}`}
            tabindex={0}
            role="slider"
            aria-label={`${c.kind} ${c.target} start time: left and right arrows move it`}
            aria-valuemin={0}
            aria-valuemax={duration}
            aria-valuenow={at}
            aria-valuetext={`at ${at} s`}
            onKeyDown={(e) => {
              const by =
                (e.shiftKey ? 10 : 1) * (e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0);
              if (by === 0) return;
              e.preventDefault();
              setAt([section, i, "at"], Math.min(duration, round(at + by)));
            }}
            onPointerDown={(e) => {
              (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
              setDrag({ type: "change", section, i, dt: timeAt(e) - at, at });
            }}
          >
            <rect x={x(at)} y={top} width={Math.max(4, x(at + len) - x(at))} height={LANE_H - 6} rx={3} />
            <text x={x(at + len) + 6} y={top + 12}>
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
    <label key={f} htmlFor={`${section}.${i}.${f}`}>
      <code>{label}</code>
      <NumberInput
        name={`${section}.${i}.${f}`}
        value={typeof c[f] === "number" ? (c[f] as number) : undefined}
        onCommit={(v) => setAt(path(f), v)}
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
          setAt(
            [section, i],
            newChange(section, kind, c.at ?? 0, validation.value.parsed, targets, {
              target: c.target,
              duration: c.duration,
              index: i,
            }),
          );
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
                setAt([section], [...list, newChange(section, kind, at, validation.value.parsed, targets)]);
              }}
            >
              Add {section === "triggers" ? "trigger" : "intervention"}
            </button>
          </section>
        );
      })}
      <section class="settings">
        <h3>settings</h3>
        <ObjectFields path={[]} shape={settingsShape} value={data} docs={SETTINGS_DOCS} names={[]} />
      </section>
    </div>
  );
}
