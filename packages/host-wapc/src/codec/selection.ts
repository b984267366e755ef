// Applies a plugin's selection bitmaps to the host's own record tree. Nothing is decoded: the
// guest answered which items to keep, and the host filters the arrays it already holds.

import { countDataPoints, type LogsBatch, type MetricsBatch, permanentError } from '@wasmpipe/core';

/** True when bit `index` (least significant bit first within each byte) is set. */
export function isKept(keep: Uint8Array, index: number): boolean {
  return ((keep[index >>> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

/** Builds a selection bitmap from one keep flag per item, in traversal order (for tests and plugins in JS). */
export function selectionBitmap(flags: readonly boolean[]): Uint8Array {
  const keep = new Uint8Array(Math.ceil(flags.length / 8));
  flags.forEach((flag, index) => {
    if (flag) keep[index >>> 3] = (keep[index >>> 3] ?? 0) | (1 << (index & 7));
  });
  return keep;
}

/** The number of metrics in a batch: the length a metrics selection covers. */
export function countMetrics(batch: MetricsBatch): number {
  let count = 0;
  for (const resourceMetrics of batch.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) count += scopeMetrics.metrics.length;
  }
  return count;
}

/**
 * Keeps the selected metrics and data points, in place. A metric that had points and keeps none
 * is removed; scopes and resources left empty are removed. Lengths are checked before anything
 * changes, so a wrong answer leaves the batch as it was.
 */
export function applyMetricsSelection(batch: MetricsBatch, keep?: Uint8Array, keepPoints?: Uint8Array): MetricsBatch {
  if (keep) checkLength(keep, countMetrics(batch), 'metrics');
  if (keepPoints) checkLength(keepPoints, countDataPoints(batch), 'data points');
  let metricIndex = 0;
  let pointIndex = 0;
  for (const resourceMetrics of batch.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      scopeMetrics.metrics = scopeMetrics.metrics.filter((metric) => {
        const metricKept = !keep || isKept(keep, metricIndex);
        metricIndex += 1;
        const points = metric.data.dataPoints as unknown[];
        const first = pointIndex;
        pointIndex += points.length;
        if (!metricKept) return false;
        if (!keepPoints || points.length === 0) return true;
        const kept = points.filter((_, index) => isKept(keepPoints, first + index));
        if (kept.length === points.length) return true;
        (metric.data as { dataPoints: unknown[] }).dataPoints = kept;
        return kept.length > 0;
      });
    }
    resourceMetrics.scopeMetrics = resourceMetrics.scopeMetrics.filter(
      (scopeMetrics) => scopeMetrics.metrics.length > 0,
    );
  }
  batch.resourceMetrics = batch.resourceMetrics.filter((resourceMetrics) => resourceMetrics.scopeMetrics.length > 0);
  return batch;
}

/** Keeps the selected log records, in place; scopes and resources left empty are removed. */
export function applyLogsSelection(batch: LogsBatch, keep: Uint8Array): LogsBatch {
  let count = 0;
  for (const resourceLogs of batch.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  checkLength(keep, count, 'log records');
  let index = 0;
  for (const resourceLogs of batch.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) {
      scopeLogs.logRecords = scopeLogs.logRecords.filter(() => isKept(keep, index++));
    }
    resourceLogs.scopeLogs = resourceLogs.scopeLogs.filter((scopeLogs) => scopeLogs.logRecords.length > 0);
  }
  batch.resourceLogs = batch.resourceLogs.filter((resourceLogs) => resourceLogs.scopeLogs.length > 0);
  return batch;
}

/** Refuses a bitmap whose length is not exactly ceil(count / 8) bytes. */
export function checkLength(keep: Uint8Array, count: number, items: string): void {
  const expected = Math.ceil(count / 8);
  if (keep.length !== expected) {
    throw permanentError(
      `The plugin's selection has ${keep.length} byte(s); a batch of ${count} ${items} needs ${expected}.`,
    );
  }
}
