import cliProgress from "cli-progress";

/** Counts finished trials across batches and shows them on stderr. */
export interface Progress {
  /** More trials were queued. */
  add(n: number): void;
  /** Some trials finished. */
  tick(n?: number): void;
  stop(): void;
}

/** A progress display: a bar on a terminal, plain lines otherwise, nothing with --quiet. */
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
  // A line per 10% of the trials queued so far, at most one a second (threshold queues many small
  // batches), and the final count when the runner closes.
  let lastTenth = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  let shown = 0;
  const line = () => {
    log(`${label}: ${done}/${total} trials (${Math.round((100 * done) / total)}%)\n`);
    shown = done;
    lastLine = performance.now();
  };
  return {
    add(n) {
      total += n;
      lastTenth = Math.floor((10 * done) / total);
    },
    tick(n = 1) {
      done += n;
      const tenth = Math.floor((10 * done) / total);
      if (tenth > lastTenth && performance.now() - lastLine >= 1000) {
        line();
        lastTenth = tenth;
      }
    },
    stop() {
      if (total > 0 && shown !== done) line();
    },
  };
}
