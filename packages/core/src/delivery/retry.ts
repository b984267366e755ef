// Exponential backoff with jitter, as the OpenTelemetry Collector's `retry_on_failure` does it
// (cenkalti/backoff): each wait is the current interval ± randomization_factor of it, the
// interval grows by `multiplier` up to `max_interval`, and retrying stops once the next wait
// would pass `max_elapsed_time` since the first attempt. A peer's Retry-After (or gRPC
// RetryInfo) makes the wait at least that long.

/** The `retry_on_failure` settings of an exporter; durations in milliseconds. */
export interface RetryConfig {
  /** False sends each batch once: a retryable failure counts as failed at once. */
  enabled: boolean;
  initial_interval: number;
  max_interval: number;
  /** 0 retries without a time limit. */
  max_elapsed_time: number;
  multiplier: number;
  randomization_factor: number;
}

/** The Collector's defaults. */
export const DEFAULT_RETRY: RetryConfig = {
  enabled: true,
  initial_interval: 5000,
  max_interval: 30_000,
  max_elapsed_time: 300_000,
  multiplier: 1.5,
  randomization_factor: 0.5,
};

/** The waits between the attempts to send one batch. */
export class Backoff {
  readonly #config: RetryConfig;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #started: number;
  #interval: number;

  constructor(config: RetryConfig, now: () => number = () => performance.now(), random: () => number = Math.random) {
    this.#config = config;
    this.#now = now;
    this.#random = random;
    this.#started = now();
    this.#interval = config.initial_interval;
  }

  /** Milliseconds since the first attempt. */
  get elapsed(): number {
    return this.#now() - this.#started;
  }

  /**
   * The wait before the next attempt, at least `retryAfterMs` when the peer asked for it; or
   * undefined when that wait would pass `max_elapsed_time`: time to give up.
   */
  next(retryAfterMs?: number): number | undefined {
    const { multiplier, max_interval, randomization_factor, max_elapsed_time } = this.#config;
    const base = this.#interval;
    this.#interval = Math.min(base * multiplier, max_interval);
    const spread = randomization_factor * base;
    let wait = base - spread + this.#random() * 2 * spread;
    if (retryAfterMs !== undefined && retryAfterMs > wait) wait = retryAfterMs;
    if (max_elapsed_time > 0 && this.elapsed + wait > max_elapsed_time) return undefined;
    return Math.round(wait);
  }
}

/** Waits `ms` milliseconds; resolves false at once if `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
