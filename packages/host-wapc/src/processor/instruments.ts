// The `wasm` processor's self-metrics (names from the shared METRICS.md, plus the dead-letter and
// reload counters), and one log-once-per-burst per kind of failure.

import { type ComponentTelemetry, type Logger, type Signal, StateChangeLog } from '@wasmpipe/core';
import type { FailureKind } from '../isolation/runner.ts';

/** Every instrument of one `wasm` processor. */
export function createInstruments(telemetry: ComponentTelemetry, signal: Signal) {
  return {
    calls: telemetry.counter('wasmpipe.plugin.calls', signal),
    errors: telemetry.counter('wasmpipe.plugin.errors', signal),
    traps: telemetry.counter('wasmpipe.plugin.traps', signal),
    timeouts: telemetry.counter('wasmpipe.plugin.timeouts', signal),
    restarts: telemetry.counter('wasmpipe.plugin.restarts', signal),
    duration: telemetry.histogram('wasmpipe.plugin.duration', 'ms', signal),
    dropped: telemetry.counter('wasmpipe.processor.dropped', signal),
    deadLettered: telemetry.counter('wasmpipe.plugin.dead_lettered', signal),
    reloads: telemetry.counter('wasmpipe.plugin.reloads', signal),
    reloadFailures: telemetry.counter('wasmpipe.plugin.reload_failures', signal),
  };
}

/** The instruments of one `wasm` processor. */
export type Instruments = ReturnType<typeof createInstruments>;

const WHAT: Record<FailureKind, string> = {
  guest_error: 'The plugin returned an error',
  trap: 'The plugin trapped (its instance is replaced)',
  timeout: 'The plugin timed out (its worker is terminated and replaced)',
  invalid_output: "The plugin's answer breaks the contract",
  unavailable: 'The plugin is unavailable',
};

/** Logs each kind of failure once when a burst of it starts, and once when calls succeed again. */
export class FailureLog {
  readonly #logs = new Map<FailureKind, StateChangeLog>();
  readonly #logger: Logger;
  readonly #policy: string;

  constructor(logger: Logger, policy: string) {
    this.#logger = logger;
    this.#policy = policy;
  }

  /** Records a failure; logs it if it is the first of its kind since the last success. */
  failed(kind: FailureKind, error: string, items: number): void {
    let log = this.#logs.get(kind);
    if (!log) {
      log = new StateChangeLog(this.#logger);
      this.#logs.set(kind, log);
    }
    log.failed(
      `${WHAT[kind]}; batches ${this.#policy}. Further failures of this kind are counted, not logged, until a call succeeds.`,
      {
        failure: kind,
        error,
        items,
      },
    );
  }

  /** Records a success; logs a recovery for each kind that was failing. */
  succeeded(): void {
    for (const [kind, log] of this.#logs)
      log.succeeded('The plugin works again; batches go through it.', { failure: kind });
  }
}
