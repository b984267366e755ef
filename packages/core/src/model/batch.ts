import type { Signal } from './common.ts';
import type { LogsBatch } from './logs.ts';
import type { MetricsBatch } from './metrics.ts';

/** Maps a signal to its batch type. */
export interface BatchOf {
  metrics: MetricsBatch;
  logs: LogsBatch;
}

/**
 * A batch whose items are known without walking it carries the count under this key (a plugin's
 * batch still held as bytes does, so counting it does not decode it).
 */
export const ITEM_COUNT: unique symbol = Symbol.for('wasmpipe.batch.itemCount');

function carriedCount(batch: object): number | undefined {
  const count = (batch as { [ITEM_COUNT]?: unknown })[ITEM_COUNT];
  return typeof count === 'number' ? count : undefined;
}

/** Counts the data points in a metrics batch: the unit that throughput and drops are counted in. */
export function countDataPoints(batch: MetricsBatch): number {
  const carried = carriedCount(batch);
  if (carried !== undefined) return carried;
  let count = 0;
  for (const resourceMetrics of batch.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) count += metric.data.dataPoints.length;
    }
  }
  return count;
}

/** Counts the log records in a logs batch. */
export function countLogRecords(batch: LogsBatch): number {
  const carried = carriedCount(batch);
  if (carried !== undefined) return carried;
  let count = 0;
  for (const resourceLogs of batch.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  return count;
}

/** Counts the items (data points or log records) of a batch of the given signal. */
export function countItems<S extends Signal>(signal: S, batch: BatchOf[S]): number {
  return signal === 'metrics' ? countDataPoints(batch as MetricsBatch) : countLogRecords(batch as LogsBatch);
}

/** Deep-copies a batch, for fan-out to a consumer that mutates what it receives. */
export function cloneBatch<T extends MetricsBatch | LogsBatch>(batch: T): T {
  return structuredClone(batch);
}
