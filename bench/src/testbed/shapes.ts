// The load shapes of the OpenTelemetry Collector's testbed (its `PerfTestDataProvider`), rebuilt on
// the core record model: `Metric10kDPS` batches are `metricsPerBatch` gauges named
// `load_generator_<i>`, each with 7 integer data points carrying `item_index` and `batch_index`;
// `Log10kDPS` batches are `recordsPerBatch` INFO3 records with a short body and six attributes
// (`batch_index`, `item_index`, and `a`..`d` of four value types). Every batch is fresh: new
// timestamps, new values, a new batch index, as the Collector's generator makes them.
import type { LogRecord, LogsBatch, Metric, MetricsBatch } from '@wasmpipe/core';

/** Data points per metric in the Collector's metric load (`dataPointsPerMetric`). */
export const POINTS_PER_METRIC = 7;

const nowNano = () => BigInt(Date.now()) * 1_000_000n;

/** A generator of metric batches in the Collector's Metric10kDPS shape; counts items made. */
export function metricBatches(metricsPerBatch = 100, pointsPerMetric = POINTS_PER_METRIC) {
  let batchIndex = 0;
  let generated = 0;
  const itemIndex = Array.from({ length: pointsPerMetric }, (_, index) => `item_${index}`);
  const names = Array.from({ length: metricsPerBatch }, (_, index) => `load_generator_${index}`);
  const descriptions = Array.from({ length: metricsPerBatch }, (_, index) => `Load Generator Counter #${index}`);
  return {
    /** Points in every batch. */
    pointsPerBatch: metricsPerBatch * pointsPerMetric,
    next(): MetricsBatch {
      const time = nowNano();
      const metrics: Metric[] = [];
      for (let index = 0; index < metricsPerBatch; index++) {
        const batch = `batch_${++batchIndex}`;
        const dataPoints = [];
        for (let point = 0; point < pointsPerMetric; point++) {
          dataPoints.push({
            attributes: { item_index: itemIndex[point] as string, batch_index: batch },
            startTimeUnixNano: time,
            timeUnixNano: time,
            value: ++generated,
            isInteger: true,
          });
        }
        metrics.push({
          name: names[index] as string,
          description: descriptions[index] as string,
          unit: '1',
          data: { type: 'gauge', dataPoints },
        });
      }
      return {
        resourceMetrics: [
          { resource: { attributes: {} }, scopeMetrics: [{ scope: { name: 'load-generator' }, metrics }] },
        ],
      };
    },
  };
}

/** A generator of log batches in the Collector's Log10kDPS shape; counts items made. */
export function logBatches(recordsPerBatch = 100) {
  let batchIndex = 0;
  let generated = 0;
  const bodies = Array.from({ length: recordsPerBatch }, (_, index) => `Load Generator Counter #${index}`);
  return {
    pointsPerBatch: recordsPerBatch,
    next(): LogsBatch {
      const time = nowNano();
      const batch = `batch_${++batchIndex}`;
      const logRecords: LogRecord[] = [];
      for (let index = 0; index < recordsPerBatch; index++) {
        logRecords.push({
          timeUnixNano: time,
          observedTimeUnixNano: time,
          severityNumber: 11,
          severityText: 'INFO3',
          body: bodies[index] as string,
          flags: 1,
          attributes: { batch_index: batch, item_index: `item_${++generated}`, a: 'test', b: 5.5, c: 3, d: true },
        });
      }
      return {
        resourceLogs: [
          { resource: { attributes: {} }, scopeLogs: [{ scope: { name: 'load-generator' }, logRecords }] },
        ],
      };
    },
  };
}
