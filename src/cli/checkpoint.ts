import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { SweepError } from "../analysis/param-path.js";
import type { Shard, SweepHeader, SweepJob } from "../analysis/sweep.js";
import { headerLine, headerMismatch, jobLine, parseRecord } from "../analysis/sweep-record.js";
import type { TrialResult } from "../analysis/trial.js";

// Sync to disk every this many lines: each line is written at once (a killed process loses
// nothing), the fsync only guards against a machine crash, and one per line would cost more than a trial.
const SYNC_EVERY = 64;

/** An append-only record of finished jobs, so an interrupted sweep resumes where it stopped. */
export class Checkpoint {
  private unsynced = 0;

  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /**
   * Opens the checkpoint at `path`, creating it for this sweep if it is not there, and returns the
   * jobs it already holds. A checkpoint of another scenario or other axes is refused; a torn last
   * line (the process died while writing it) is cut off.
   */
  static open(
    path: string,
    header: SweepHeader,
    shard: Shard | null,
  ): { checkpoint: Checkpoint; done: Map<string, TrialResult> } {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      const record = parseRecord(text, path);
      const mismatch = headerMismatch(header, record.header);
      if (mismatch)
        throw new SweepError(
          `${path} is the checkpoint of ${mismatch}; delete it or choose another output to start this map`,
        );
      if (record.validLength < text.length)
        truncateSync(path, Buffer.byteLength(text.slice(0, record.validLength)));
      return { checkpoint: new Checkpoint(path, openSync(path, "a")), done: record.results };
    }
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, "a");
    writeSync(fd, headerLine(header, shard));
    fsyncSync(fd);
    return { checkpoint: new Checkpoint(path, fd), done: new Map() };
  }

  /** Records one finished job. */
  append(job: SweepJob, result: TrialResult): void {
    writeSync(this.fd, jobLine(job, result));
    if (++this.unsynced >= SYNC_EVERY) {
      fsyncSync(this.fd);
      this.unsynced = 0;
    }
  }

  close(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
