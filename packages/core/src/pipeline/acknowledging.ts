// How acknowledgements cross a processor without the processor knowing about them. The runtime
// wraps each processor twice: on its way in, the acknowledgements of the batch are noted as "in
// the processor" while its consume call runs, and released when the call returns (what it
// handed on holds references of its own; what it filtered out is done). On the way out, a batch
// that carries acknowledgements takes a reference on each; one that carries none (a plugin's
// new batch object) is attributed to every batch the processor is working on at that moment,
// which is exact when it works on one and errs on the side of waiting otherwise.

import type { Consumer } from '../component/consumer.ts';
import {
  type Acknowledgement,
  acknowledgementsOf,
  failAll,
  holdAll,
  releaseAll,
  withAcknowledgements,
} from '../delivery/acknowledgement.ts';
import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';

type AnyBatch = MetricsBatch | LogsBatch;

const RESOLVED = Promise.resolve();

function consumeOf(consumer: Consumer, signal: Signal, batch: AnyBatch): Promise<void> {
  return (
    (signal === 'metrics'
      ? consumer.consumeMetrics?.(batch as MetricsBatch)
      : consumer.consumeLogs?.(batch as LogsBatch)) ?? RESOLVED
  );
}

function consumerFor(signal: Signal, consume: (batch: AnyBatch) => Promise<void>): Consumer {
  return signal === 'metrics' ? { consumeMetrics: consume } : { consumeLogs: consume };
}

/** The acknowledgements of the batches one processor is working on. */
export class ProcessorAcknowledgements {
  readonly #signal: Signal;
  readonly #inFlight = new Set<readonly Acknowledgement[]>();

  constructor(signal: Signal) {
    this.#signal = signal;
  }

  /** Wraps the processor: releases (or fails) the batch's references when its call ends. */
  incoming(processor: Consumer): Consumer {
    return consumerFor(this.#signal, async (batch) => {
      const carried = acknowledgementsOf(batch);
      if (carried.length === 0) return consumeOf(processor, this.#signal, batch);
      this.#inFlight.add(carried);
      try {
        await consumeOf(processor, this.#signal, batch);
      } catch (error) {
        failAll(carried, error);
        throw error;
      } finally {
        this.#inFlight.delete(carried);
      }
      releaseAll(carried);
    });
  }

  /** Wraps what the processor hands on: each batch out takes a reference per acknowledgement. */
  outgoing(next: Consumer): Consumer {
    return consumerFor(this.#signal, (batch) => {
      let carried = acknowledgementsOf(batch);
      if (carried.length === 0 && this.#inFlight.size > 0) {
        withAcknowledgements(batch, [...this.#inFlight].flat());
        carried = acknowledgementsOf(batch);
      }
      return handOn(next, this.#signal, batch, carried);
    });
  }
}

/** Hands a batch on with one new reference per acknowledgement; a refusal fails them. */
export function handOn(
  next: Consumer,
  signal: Signal,
  batch: AnyBatch,
  carried: readonly Acknowledgement[],
): Promise<void> {
  if (carried.length === 0) return consumeOf(next, signal, batch);
  holdAll(carried);
  let handing: Promise<void>;
  try {
    handing = consumeOf(next, signal, batch);
  } catch (error) {
    handing = Promise.reject(error);
  }
  return handing.catch((error: unknown) => {
    failAll(carried, error);
    throw error;
  });
}
