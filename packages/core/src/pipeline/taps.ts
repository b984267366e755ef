// Taps: let someone watch the batches leaving a component (`wasmpipe tap`) without changing the
// pipeline. A tap point is a consumer wrapper that costs one size check per batch while nobody
// listens.

import type { Consumer } from '../component/consumer.ts';
import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';

/**
 * Receives a batch leaving a component. It is called synchronously, before the batch moves on,
 * and must not keep or change the batch: the consumer downstream owns it and may change it as
 * soon as the listener returns. Serialise what you need right away. A listener that throws is
 * removed; it never breaks the pipeline.
 */
export type TapListener = (signal: Signal, batch: MetricsBatch | LogsBatch) => void;

const RESOLVED = Promise.resolve();

/** The tap points of a running service, by component id. */
export class Taps {
  readonly #listeners = new Map<string, Set<TapListener>>();

  /** The ids of every component that can be tapped, in the order they were added. */
  ids(): string[] {
    return [...this.#listeners.keys()];
  }

  /** True when `id` is a tap point. */
  has(id: string): boolean {
    return this.#listeners.has(id);
  }

  /** How many listeners watch `id` right now (0 for an unknown id). */
  listenerCount(id: string): number {
    return this.#listeners.get(id)?.size ?? 0;
  }

  /** Starts calling `listener` with the batches leaving `id`; returns a function that stops it. */
  listen(id: string, listener: TapListener): () => void {
    const listeners = this.#listeners.get(id);
    if (!listeners) throw new Error(`No component "${id}" can be tapped; known: ${this.ids().join(', ') || 'none'}.`);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Wraps the consumer that receives what `id` produces, so listeners of `id` see each batch. */
  wrap(id: string, signal: Signal, consumer: Consumer): Consumer {
    let listeners = this.#listeners.get(id);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(id, listeners);
    }
    const watched = listeners;
    const notify = (batch: MetricsBatch | LogsBatch) => {
      for (const listener of watched) {
        try {
          listener(signal, batch);
        } catch {
          watched.delete(listener);
        }
      }
    };
    return signal === 'metrics'
      ? {
          consumeMetrics: (batch) => {
            if (watched.size !== 0) notify(batch);
            return consumer.consumeMetrics?.(batch) ?? RESOLVED;
          },
        }
      : {
          consumeLogs: (batch) => {
            if (watched.size !== 0) notify(batch);
            return consumer.consumeLogs?.(batch) ?? RESOLVED;
          },
        };
  }
}
