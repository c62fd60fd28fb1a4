import cliProgress from "cli-progress";

/** Counts finished trials across batches and shows them on stderr. */
export interface Progress {
  /** More trials were queued. */
  add(n: number): void;
  /** Some trials finished. */
  tick(n?: number): void;
  stop(): void;
}

/** A progress display: a bar on a terminal, a plain line every 10% otherwise, nothing with --quiet. */
export function makeProgress(label: string, quiet: boolean, log: (s: string) => void): Progress {
  if (quiet) return { add() {}, tick() {}, stop() {} };
  let total = 0;
  let done = 0;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} trials  {percentage}%  eta {eta_formatted}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      add(n) {
        total += n;
        if (!started) bar.start(total, done);
        else bar.setTotal(total);
        started = true;
      },
      tick(n = 1) {
        done += n;
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let lastTenth = 0;
  return {
    add(n) {
      total += n;
      lastTenth = Math.floor((10 * done) / total);
    },
    tick(n = 1) {
      done += n;
      const tenth = Math.floor((10 * done) / total);
      if (tenth > lastTenth)
        log(`${label}: ${done}/${total} trials (${Math.round((100 * done) / total)}%)\n`);
      lastTenth = tenth;
    },
    stop() {},
  };
}
