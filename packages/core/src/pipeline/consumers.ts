import type { Consumer } from '../component/consumer.ts';
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
 * target took the batch, and rejects with the first failure after all have settled.
 */
export function fanOut(targets: readonly FanOutTarget[]): Consumer {
  const [only] = targets;
  if (targets.length === 1 && only) return only.consumer;
  const deliver = async <B extends MetricsBatch | LogsBatch>(
    batch: B,
    send: (consumer: Consumer, batch: B) => Promise<void> | undefined,
  ) => {
    const results = await Promise.allSettled(
      targets.map((target) => send(target.consumer, target.mutates ? cloneBatch(batch) : batch)),
    );
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
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

/** Routes each signal to its own consumer; a signal with no route is ignored. */
export function bySignal(routes: Partial<Record<Signal, Consumer>>): Consumer {
  return {
    consumeMetrics: async (batch) => routes.metrics?.consumeMetrics?.(batch),
    consumeLogs: async (batch) => routes.logs?.consumeLogs?.(batch),
  };
}
