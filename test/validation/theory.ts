/**
 * Closed-form results of queueing theory the simulator is validated against. Rates per second,
 * times in seconds; lambda is the arrival rate, mu the service rate of one worker.
 */

/** M/M/1 mean time in system: W = 1 / (mu - lambda). */
export function mm1TimeInSystem(lambda: number, mu: number): number {
  return 1 / (mu - lambda);
}

/** M/M/1 mean number in system: L = rho / (1 - rho). */
export function mm1NumberInSystem(lambda: number, mu: number): number {
  const rho = lambda / mu;
  return rho / (1 - rho);
}

/**
 * Erlang C: probability that an arrival to an M/M/c queue waits, with offered load a = lambda / mu
 * Erlangs (a < c). Computed through the Erlang B recursion, which stays stable for large c.
 */
export function erlangC(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

/** M/M/c mean wait before service: Wq = C(c, a) / (c mu - lambda). */
export function mmcWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** M/D/1 mean wait (Pollaczek–Khinchine with zero service variance): Wq = rho / (2 mu (1 - rho)). */
export function md1Wait(lambda: number, mu: number): number {
  const rho = lambda / mu;
  return rho / (2 * mu * (1 - rho));
}

/**
 * M/M/1/K blocking probability (K calls in the system at most, one in service): by PASTA the
 * fraction of arrivals refused, P_K = (1 - rho) rho^K / (1 - rho^(K+1)); K / (K + 1) at rho = 1.
 */
export function mm1kBlocking(lambda: number, mu: number, K: number): number {
  const rho = lambda / mu;
  if (Math.abs(rho - 1) < 1e-12) return 1 / (K + 1);
  return ((1 - rho) * rho ** K) / (1 - rho ** (K + 1));
}

/**
 * Attempts per request of a client that retries every failure up to R times, when each attempt
 * fails independently with probability p: 1 + p + ... + p^R. At p = 1 this is the ceiling 1 + R.
 */
export function retryAmplification(p: number, R: number): number {
  let sum = 0;
  for (let k = 0; k <= R; k++) sum += p ** k;
  return sum;
}

/**
 * Tandem of M/M/1 queues (a Jackson network in series): by Burke's theorem each tier's departures
 * are Poisson at rate lambda, so each tier is M/M/1 and the mean end-to-end time is the sum of
 * 1 / (mu_i - lambda).
 */
export function tandemTimeInSystem(lambda: number, mus: readonly number[]): number {
  return mus.reduce((sum, mu) => sum + mm1TimeInSystem(lambda, mu), 0);
}
