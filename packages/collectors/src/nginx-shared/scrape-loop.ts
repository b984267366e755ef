import { type Counter, errorMessage, type Logger } from '@wasmpipe/core';
import { failureKind, redactUrlCredentials } from './scrape-failure.ts';

/**
 * Runs `tick` after `initialDelay` and then every `interval`, never two at once: the next one is
 * scheduled when the previous one, push included, has finished.
 */
export class ScrapeLoop {
  readonly #interval: number;
  readonly #initialDelay: number;
  readonly #tick: () => Promise<void>;
  #state: 'created' | 'running' | 'stopped' = 'created';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(options: { intervalMillis: number; initialDelayMillis: number; tick: () => Promise<void> }) {
    this.#interval = options.intervalMillis;
    this.#initialDelay = options.initialDelayMillis;
    this.#tick = options.tick;
  }

  /** Starts the timer. */
  start(): void {
    if (this.#state !== 'created') return;
    this.#state = 'running';
    this.#schedule(this.#initialDelay);
  }

  /** Stops the timer and waits for a tick under way. Idempotent. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  #schedule(delay: number): void {
    if (this.#state !== 'running') return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = this.#run();
    }, delay);
  }

  async #run(): Promise<void> {
    const began = performance.now();
    try {
      await this.#tick();
    } catch {
      // A tick handles its own errors; this only keeps the loop alive if one slips through.
    }
    this.#schedule(Math.max(0, this.#interval - (performance.now() - began)));
  }
}

/**
 * Counts failed scrapes and logs a warning once each time the kind of failure changes (reachable
 * → refused → garbage), and once at info level when scrapes succeed again; never once per scrape.
 */
export class ScrapeHealth {
  readonly #logger: Logger;
  readonly #errors: Counter;
  #failing: string | undefined;

  constructor(logger: Logger, errors: Counter) {
    this.#logger = logger;
    this.#errors = errors;
  }

  /** The kind of the current failure, or undefined while scrapes succeed. */
  get failing(): string | undefined {
    return this.#failing;
  }

  /** Records a failed scrape; `what` says what is missing because of it. */
  failed(error: unknown, what: string): void {
    this.#errors.add(1);
    const kind = failureKind(error);
    if (this.#failing === kind) return;
    this.#failing = kind;
    this.#logger.warn(redactUrlCredentials(`${sentence(errorMessage(error))} ${what}`), { kind });
  }

  /** Records a successful scrape. */
  succeeded(message: string): void {
    if (this.#failing === undefined) return;
    this.#failing = undefined;
    this.#logger.info(redactUrlCredentials(message));
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
