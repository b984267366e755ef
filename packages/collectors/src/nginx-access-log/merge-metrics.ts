// Adds up the metrics of several aggregators (one per log format) into one set of series.
import type { HistogramDataPoint, Metric, NumberDataPoint } from '@wasmpipe/core';

const keyOf = (attributes: Record<string, unknown>) => JSON.stringify(Object.entries(attributes).sort());

/** Metrics with the same name and attributes summed: values, or histogram counts, sums and buckets. */
export function mergeMetrics(lists: readonly Metric[][]): Metric[] {
  if (lists.length === 1) return lists[0] as Metric[];
  const merged = new Map<string, Metric>();
  for (const metrics of lists) {
    for (const metric of metrics) {
      const existing = merged.get(metric.name);
      if (!existing) {
        merged.set(metric.name, structuredClone(metric));
        continue;
      }
      const points = new Map(
        (existing.data.dataPoints as (NumberDataPoint | HistogramDataPoint)[]).map((point) => [
          keyOf(point.attributes),
          point,
        ]),
      );
      for (const point of metric.data.dataPoints as (NumberDataPoint | HistogramDataPoint)[]) {
        const same = points.get(keyOf(point.attributes));
        if (!same) {
          (existing.data.dataPoints as unknown[]).push(structuredClone(point));
          continue;
        }
        if ('value' in same && 'value' in point) same.value += point.value;
        else if ('count' in same && 'count' in point) addHistogram(same, point);
      }
    }
  }
  return [...merged.values()];
}

function addHistogram(into: HistogramDataPoint, point: HistogramDataPoint): void {
  into.count += point.count;
  into.sum = (into.sum ?? 0) + (point.sum ?? 0);
  into.bucketCounts = into.bucketCounts.map((count, index) => count + (point.bucketCounts[index] ?? 0));
  if (point.min !== undefined) into.min = into.min === undefined ? point.min : Math.min(into.min, point.min);
  if (point.max !== undefined) into.max = into.max === undefined ? point.max : Math.max(into.max, point.max);
}
