import { checkNumber, OptionError } from "../engine/option-error.js";
import type { RandomStream } from "../engine/random.js";
import type { Handler, Simulation } from "../engine/simulation.js";
import type { Caller, Service } from "./call.js";
import type { Capabilities, Component } from "./component.js";

/** What the consumer does with a file over its cardinality limit. */
export type BadFilePolicy =
  /** Load it and fail every call while it is loaded (the proxy's `.unwrap()` on the load error). */
  | "fail-closed"
  /** Refuse it and keep serving with the last file that was good. */
  | "last-known-good";

/** Names of the bad-file policies. */
export const BAD_FILE_POLICIES = ["fail-closed", "last-known-good"] as const;

/** Options of a config pipeline. Seconds throughout. */
export interface ConfigPipelineOptions {
  /** The producer regenerates the file this often, the first time at 0. Default: 300 (Cloudflare's five minutes). */
  regenerateEvery?: number;
  /** Rows the producer's query returns from a source node that has not been upgraded. Default: 120. */
  rows?: number;
  /** Row multiplier when the query runs on an upgraded node (the newly visible schema duplicates every row). Default: 2. */
  upgradedFactor?: number;
  /** Most rows the consumer's preallocated table takes; a file with more is bad. Default: 200. */
  cardinalityLimit?: number;
  /** Default: "fail-closed". */
  onBadFile?: BadFilePolicy;
  /**
   * Schema check: the consumer knows which schema its rows come from, so a file from an upgraded
   * node (whose query also returned the newly visible schema's rows) is bad whatever its size.
   * Default: false (only the cardinality limit is checked).
   */
  schemaCheck?: boolean;
  /**
   * Size-jump check: a file with more than this many times the rows of the last file loaded is
   * bad, even under the limit (a doubling between two runs is anomalous). > 1. Default: none.
   */
  maxGrowth?: number;
  /**
   * What a last-known-good consumer does while it has never loaded a good file, so has none to
   * keep: "fail" every call (the proxy cannot score without a file), or "bypass" the feature and
   * pass calls on (fail open). A fail-closed consumer is unaffected. Default: "fail".
   */
  withoutGoodFile?: WithoutGoodFile;
}

/** What a consumer with no good file at all does: fail every call, or pass calls on without the feature. */
export type WithoutGoodFile = "fail" | "bypass";

/** Names of the no-good-file behaviours. */
export const WITHOUT_GOOD_FILE = ["fail", "bypass"] as const;

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
  /** Bad files met while no good file had ever been loaded (last-known-good had nothing to keep). */
  noGoodFile: number;
  /** Bad files refused, the last good file kept (last-known-good). */
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
 * during a partial rollout the file flips between good and bad, and a fail-closed consumer flips
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
    this.regenerateEvery = checkNumber("regenerateEvery", options.regenerateEvery ?? 300, {
      min: 0,
      exclusiveMin: true,
    });
    this.rows = checkNumber("rows", options.rows ?? 120, { min: 0, integer: true });
    this.upgradedFactor = checkNumber("upgradedFactor", options.upgradedFactor ?? 2, { min: 0 });
    this.cardinalityLimit = checkNumber("cardinalityLimit", options.cardinalityLimit ?? 200, {
      min: 0,
      integer: true,
    });
    if (this.rows > this.cardinalityLimit) {
      throw new OptionError(
        ["rows"],
        `expected at most cardinalityLimit (${this.cardinalityLimit}), or even the normal file is bad; got ${this.rows}`,
      );
    }
    this.onBadFile = options.onBadFile ?? "fail-closed";
    if (!BAD_FILE_POLICIES.includes(this.onBadFile)) {
      throw new OptionError(
        ["onBadFile"],
        `expected one of ${BAD_FILE_POLICIES.join(", ")}, got ${JSON.stringify(this.onBadFile)}`,
      );
    }
    this.schemaCheck = options.schemaCheck ?? false;
    if (typeof this.schemaCheck !== "boolean")
      throw new OptionError(
        ["schemaCheck"],
        `expected true or false, got ${JSON.stringify(this.schemaCheck)}`,
      );
    this.maxGrowth =
      options.maxGrowth === undefined
        ? Number.POSITIVE_INFINITY
        : checkNumber("maxGrowth", options.maxGrowth, { min: 1, exclusiveMin: true });
    this.withoutGoodFile = options.withoutGoodFile ?? "fail";
    if (!WITHOUT_GOOD_FILE.includes(this.withoutGoodFile)) {
      throw new OptionError(
        ["withoutGoodFile"],
        `expected one of ${WITHOUT_GOOD_FILE.join(", ")}, got ${JSON.stringify(this.withoutGoodFile)}`,
      );
    }
    this.rng = sim.stream(`configPipeline:${name}:node`);
  }

  /** Requests per second the target can serve. */
  get capacityPerSec(): number {
    return this.target.capacityPerSec;
  }

  /** Whether every call is failing now (a bad file is loaded, fail-closed). */
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
      ...(this.onBadFile === "last-known-good" && { withoutGoodFile: this.withoutGoodFile }),
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
      if (this.onBadFile === "last-known-good") {
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
