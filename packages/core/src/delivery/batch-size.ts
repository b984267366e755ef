// How much room a batch takes in the sending queue, in the unit the queue is bounded by.

import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';

/** What the sending queue's `queue_size` counts. */
export type QueueSizer = 'items' | 'bytes' | 'requests';

/**
 * About the size of a batch in the queue's stored form (see batch-codec.ts), without encoding
 * it: what `sizer: bytes` counts for an in-memory queue. A file queue counts the exact bytes.
 */
export function estimateBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 1;
    case 'number':
    case 'bigint':
      return 9;
    case 'boolean':
    case 'undefined':
      return 1;
  }
  if (value === null) return 1;
  if (value instanceof Uint8Array) return value.length + 2;
  if (Array.isArray(value)) {
    let size = 2;
    for (const item of value) size += estimateBytes(item);
    return size;
  }
  if (typeof value === 'object') {
    let size = 2;
    for (const key in value) size += 2 + estimateBytes((value as Record<string, unknown>)[key]);
    return size;
  }
  return 0;
}

/** The room a batch of `items` items takes under `sizer`, estimating bytes when needed. */
export function sizeOf(sizer: QueueSizer, _signal: Signal, batch: MetricsBatch | LogsBatch, items: number): number {
  if (sizer === 'items') return items;
  if (sizer === 'requests') return 1;
  return estimateBytes(batch);
}
