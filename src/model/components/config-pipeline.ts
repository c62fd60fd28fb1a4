import { checkNumber, OptionError } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Caller, Service } from "../call.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, policyFamily, readOptions } from "../options.js";

/** What the consumer does with a file over its cardinality limit. */
export const BAD_FILE_POLICIES = policyFamily("bad-file", {
  failClosed: {
    doc: "Load it and fail every call while it is loaded (the proxy's `.unwrap()` on the load error).",
    options: {},
  },
  lastKnownGood: { doc: "Refuse it and keep serving with the last file that was good.", options: {} },
});

/** A bad-file policy by kind. */
export type BadFilePolicy = keyof (typeof BAD_FILE_POLICIES)["variants"];

/** Options of a config pipeline. Seconds throughout. */
/** What a consumer with no good file at all does: fail every call, or pass calls on without the feature. */
export const WITHOUT_GOOD_FILE = ["fail", "bypass"] as const;

/** What a consumer with no good file at all does. */
export type WithoutGoodFile = (typeof WITHOUT_GOOD_FILE)[number];

export const CONFIG_PIPELINE_OPTIONS = {
  regenerateEvery: option.number({
    doc: "The producer regenerates the file this often, the first time at 0.",
    default: 300,
    defaultText: "(Cloudflare's five minutes)",
    min: 0,
    exclusiveMin: true,
  }),
  rows: option.integer({
    doc: "Rows the producer's query returns from a source node that has not been upgraded; at most `cardinalityLimit`.",
    default: 120,
    min: 0,
  }),
  upgradedFactor: option.number({
    doc: "Row multiplier when the query runs on an upgraded node (the newly visible schema duplicates every row).",
    default: 2,
    min: 0,
  }),
  cardinalityLimit: option.integer({
    doc: "Most rows the consumer's preallocated table takes; a file with more is bad.",
    default: 200,
    min: 0,
  }),
  onBadFile: option.policy(BAD_FILE_POLICIES, {
    doc: "What the consumer does with a bad file (over its cardinality limit, or failing a check below).",
    default: { kind: "failClosed" },
  }),
  schemaCheck: option.boolean({
    doc: "Schema check: the consumer knows which schema its rows come from, so a file from an upgraded node (whose query also returned the newly visible schema's rows) is bad whatever its size.",
    default: false,
    defaultText: "(only the cardinality limit is checked)",
  }),
  maxGrowth: option.number({
    doc: "Size-jump check: a file with more than this many times the rows of the last file loaded is bad, even under the limit (a doubling between two runs is anomalous).",
    min: 1,
    exclusiveMin: true,
    defaultText: "none",
  }),
  withoutGoodFile: option.choice({
    doc: 'What a lastKnownGood consumer does while it has never loaded a good file, so has none to keep: "fail" every call (the proxy cannot score without a file), or "bypass" the feature and pass calls on (fail open). A failClosed consumer is unaffected.',
    values: WITHOUT_GOOD_FILE,
    default: "fail",
  }),
} as const;

/** Options of a config pipeline, as its constructor takes them. */
export type ConfigPipelineOptions = OptionsInput<typeof CONFIG_PIPELINE_OPTIONS>;

/** Counters a config pipeline keeps. */
export interface ConfigPipelineStats {
  /** Files generated. */
  regenerations: number;
  /** Files refused or failed by any check. */
  badFiles: number;
  /** Bad files over the cardinality limit. */
  overLimit: number;
  /** Bad files from the wrong schema (schemaCheck). */
  wrongSchema: number;
  /** Bad files that grew more than maxGrowth over the last file loaded. */
  sizeJumps: number;
  /** Bad files met while no good file had ever been loaded (lastKnownGood had nothing to keep). */
  noGoodFile: number;
  /** Bad files refused, the last good file kept (lastKnownGood). */
  keptLastGood: number;
  /** Calls received. */
  received: number;
  /** Calls passed on to the target. */
  forwarded: number;
  /** Calls answered "error" because a bad file was loaded. */
  failed: number;
}

/**
 * A feature file's producer and its consumer in front of a service (Cloudflare's Bot Management
 * file and the FL2 proxy, 18 November 2025). Every `regenerateEvery` seconds the producer queries
 * one node of a source cluster; on an upgraded node the query returns `upgradedFactor` times the
 * rows, which overflows the consumer's `cardinalityLimit`. Which node a run hits is random, so
 * during a partial rollout the file flips between good and bad, and a failClosed consumer flips
 * the service between up and down with it.
 *
 * The rollout is driven by the `errors` trigger: its `rate` is the fraction of source nodes
 * upgraded, i.e. the chance that one regeneration produces an oversized file.
 */
export class ConfigPipeline implements Handler, Service, Component, Capabilities {
  readonly type = "configPipeline";
  readonly stats: ConfigPipelineStats = {
    regenerations: 0,
    badFiles: 0,
    overLimit: 0,
    wrongSchema: 0,
    sizeJumps: 0,
    noGoodFile: 0,
    keptLastGood: 0,
    received: 0,
    forwarded: 0,
    failed: 0,
  };
  readonly regenerateEvery: number;
  readonly rows: number;
  readonly upgradedFactor: number;
  readonly cardinalityLimit: number;
  readonly onBadFile: BadFilePolicy;
  readonly schemaCheck: boolean;
  readonly maxGrowth: number;
  readonly withoutGoodFile: WithoutGoodFile;
  private readonly rng: RandomStream;
  private upgraded = 0;
  private loadedRows = 0;
  private failing = false;
  private hasGoodFile = false;
  private started = false;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly target: Service,
    options: ConfigPipelineOptions = {},
  ) {
    const o = readOptions(CONFIG_PIPELINE_OPTIONS, options);
    this.regenerateEvery = o.regenerateEvery;
    this.rows = o.rows;
    this.upgradedFactor = o.upgradedFactor;
    this.cardinalityLimit = o.cardinalityLimit;
    if (this.rows > this.cardinalityLimit) {
      throw new OptionError(
        ["rows"],
        `expected at most cardinalityLimit (${this.cardinalityLimit}), or even the normal file is bad; got ${this.rows}`,
      );
    }
    this.onBadFile = o.onBadFile.kind;
    this.schemaCheck = o.schemaCheck;
    this.maxGrowth = o.maxGrowth ?? Number.POSITIVE_INFINITY;
    this.withoutGoodFile = o.withoutGoodFile;
    this.rng = sim.stream(`configPipeline:${name}:node`);
  }

  /** Requests per second the target can serve. */
  get capacityPerSec(): number {
    return this.target.capacityPerSec;
  }

  /** Whether every call is failing now (a bad file is loaded, failClosed). */
  get isFailing(): boolean {
    return this.failing;
  }

  /** Generates the first file now and every `regenerateEvery` after. */
  start(): void {
    if (this.started) throw new Error(`config pipeline ${this.name} already started`);
    this.started = true;
    this.sim.schedule(0, this, 0);
  }

  gauges(): Record<string, number> {
    return { rows: this.loadedRows, failing: this.failing ? 1 : 0, upgradedFraction: this.upgraded };
  }

  describe(): Record<string, string> {
    return {
      target: this.target.name,
      regenerateEvery: `${this.regenerateEvery} s`,
      rows: `${this.rows} (x${this.upgradedFactor} on an upgraded node)`,
      cardinalityLimit: String(this.cardinalityLimit),
      onBadFile: this.onBadFile,
      checks: [
        `rows <= ${this.cardinalityLimit}`,
        ...(this.schemaCheck ? ["schema"] : []),
        ...(Number.isFinite(this.maxGrowth) ? [`growth <= x${this.maxGrowth}`] : []),
      ].join(", "),
      ...(this.onBadFile === "lastKnownGood" && { withoutGoodFile: this.withoutGoodFile }),
    };
  }

  /** Sets the fraction of source nodes upgraded: the chance that a regeneration yields a bad file. */
  setErrorRate(rate: number): void {
    this.upgraded = checkNumber("rate", rate, { min: 0, max: 1 });
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.received++;
    if (this.failing) {
      this.stats.failed++;
      caller.reply(token, "error");
      return;
    }
    this.stats.forwarded++;
    // Passed through unchanged: the caller's deadline and answer are the target's to honour.
    this.target.accept(caller, token, deadline);
  }

  handleEvent(): void {
    this.regenerate();
    this.sim.schedule(this.regenerateEvery, this, 0);
  }

  private regenerate(): void {
    this.stats.regenerations++;
    // One draw per regeneration whatever the rollout state, so the draws never shift.
    const hitUpgraded = this.rng.next() < this.upgraded;
    const rows = hitUpgraded ? Math.round(this.rows * this.upgradedFactor) : this.rows;
    const bad = this.check(rows, hitUpgraded);
    if (bad) {
      this.stats.badFiles++;
      if (this.onBadFile === "lastKnownGood") {
        if (this.hasGoodFile) {
          this.stats.keptLastGood++;
          return;
        }
        // Nothing to keep: the consumer has never loaded a good file.
        this.stats.noGoodFile++;
        this.failing = this.withoutGoodFile === "fail";
        return;
      }
      this.failing = true;
    } else {
      this.failing = false;
      this.hasGoodFile = true;
    }
    this.loadedRows = rows;
  }

  /** True when the file fails a check; each failed check is counted. */
  private check(rows: number, fromUpgraded: boolean): boolean {
    let bad = false;
    if (rows > this.cardinalityLimit) {
      this.stats.overLimit++;
      bad = true;
    }
    if (this.schemaCheck && fromUpgraded) {
      this.stats.wrongSchema++;
      bad = true;
    }
    if (this.loadedRows > 0 && rows > this.maxGrowth * this.loadedRows) {
      this.stats.sizeJumps++;
      bad = true;
    }
    return bad;
  }
}
