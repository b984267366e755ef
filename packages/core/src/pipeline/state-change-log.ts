import type { LogFields, Logger } from '../telemetry/logger.ts';

/**
 * Logs a failing operation once when it starts failing and once when it recovers, instead of
 * once per attempt: a down endpoint must not flood the log. Failures in between are the
 * caller's to count.
 */
export class StateChangeLog {
  readonly #logger: Logger;
  readonly #level: 'warn' | 'error';
  #failing = false;

  /** `level` is what a failure is logged at; a recovery is always info. */
  constructor(logger: Logger, level: 'warn' | 'error' = 'error') {
    this.#logger = logger;
    this.#level = level;
  }

  /** True between a failure and the next success. */
  get failing(): boolean {
    return this.#failing;
  }

  /** Records a failure; logs `message` only if the last outcome was a success. */
  failed(message: string, fields?: LogFields): void {
    if (this.#failing) return;
    this.#failing = true;
    this.#logger[this.#level](message, fields);
  }

  /** Records a success; logs `message` at info level only if the last outcome was a failure. */
  succeeded(message: string, fields?: LogFields): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#logger.info(message, fields);
  }
}
