import type { Consumer } from '../component/consumer.ts';
import { acknowledgementsOf, failAll, holdAll, releaseAll, withAcknowledgements } from '../delivery/acknowledgement.ts';
import { cloneBatch, countDataPoints, countLogRecords } from '../model/batch.ts';
import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Counter } from '../telemetry/telemetry.ts';

/** A consumer downstream of a fan-out, and whether it changes what it receives. */
export interface FanOutTarget {
  consumer: Consumer;
  mutates: boolean;
}

/**
 * Hands each batch to every target. A lone target gets the batch itself; with several, each
 * target that mutates gets its own copy and the others share the original. Resolves once every
 * target took the batch, and rejects with the first failure after all have settled. Each target
 * takes its own reference on the batch's acknowledgements (copies carry them too); a target that
 * refuses the batch fails them.
 */
export function fanOut(targets: readonly FanOutTarget[]): Consumer {
  const [only] = targets;
  if (targets.length === 1 && only) return only.consumer;
  const deliver = async <B extends MetricsBatch | LogsBatch>(
    batch: B,
    send: (consumer: Consumer, batch: B) => Promise<void> | undefined,
  ) => {
    const carried = acknowledgementsOf(batch);
    if (targets.length === 0) return releaseAll(carried);
    holdAll(carried, targets.length - 1);
    const results = await Promise.allSettled(
      targets.map((target) => {
        const sending = send(
          target.consumer,
          target.mutates ? withAcknowledgements(cloneBatch(batch), carried) : batch,
        );
        if (sending === undefined) releaseAll(carried);
        return sending;
      }),
    );
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      failAll(carried, failure.reason);
      throw failure.reason;
    }
  };
  return {
    consumeMetrics: (batch) => deliver(batch, (consumer, copy) => consumer.consumeMetrics?.(copy)),
    consumeLogs: (batch) => deliver(batch, (consumer, copy) => consumer.consumeLogs?.(copy)),
  };
}

/** Counts the items passing through, and the items of batches the consumer refused. */
export function counting(consumer: Consumer, signal: Signal, passed: Counter, refused?: Counter): Consumer {
  const count = async (items: number, deliver: () => Promise<void> | undefined): Promise<void> => {
    try {
      await deliver();
      passed.add(items);
    } catch (error) {
      refused?.add(items);
      throw error;
    }
  };
  return signal === 'metrics'
    ? { consumeMetrics: (batch) => count(countDataPoints(batch), () => consumer.consumeMetrics?.(batch)) }
    : { consumeLogs: (batch) => count(countLogRecords(batch), () => consumer.consumeLogs?.(batch)) };
}

/** Routes each signal to its own consumer; a signal with no route is ignored (and so delivered). */
export function bySignal(routes: Partial<Record<Signal, Consumer>>): Consumer {
  return {
    consumeMetrics: async (batch) => {
      if (routes.metrics?.consumeMetrics) return routes.metrics.consumeMetrics(batch);
      releaseAll(acknowledgementsOf(batch));
    },
    consumeLogs: async (batch) => {
      if (routes.logs?.consumeLogs) return routes.logs.consumeLogs(batch);
      releaseAll(acknowledgementsOf(batch));
    },
  };
}
