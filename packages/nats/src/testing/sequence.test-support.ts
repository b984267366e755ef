// Test-only: a collector the test pushes through, and batches of numbered points and log records
// (each point's value, each record's body, is its sequence number; the resource names the stream).
import { type Consumer, defineCollector, type LogsBatch, type MetricsBatch, s } from '@wasmpipe/core';

/** The consumers of running sequence collectors, by id. */
export const sequenceOutputs = new Map<string, Consumer>();

/** A collector driven by the test through {@link sequenceOutputs}. */
export const sequenceCollector = defineCollector({
  type: 'sequence',
  description: 'Test collector driven by the test.',
  signals: ['metrics', 'logs'],
  config: s.object({}),
  create(_config, context, next) {
    sequenceOutputs.set(context.id, next);
    return { shutdown: () => void sequenceOutputs.delete(context.id) };
  },
});

/** A batch of `count` gauge points numbered from `first`, on a resource with `host.name` = `host`. */
export function numberedMetrics(host: string, first: number, count: number): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': host, 'service.name': 'sequence' } },
        scopeMetrics: [
          {
            scope: { name: 'sequence' },
            metrics: [
              {
                name: 'sequence',
                data: {
                  type: 'gauge',
                  dataPoints: Array.from({ length: count }, (_, index) => ({
                    attributes: { index },
                    timeUnixNano: BigInt(first + index),
                    value: first + index,
                    isInteger: true,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A batch of `count` log records whose bodies are their numbers from `first`. */
export function numberedLogs(host: string, first: number, count: number): LogsBatch {
  return {
    resourceLogs: [
      {
        resource: { attributes: { 'host.name': host } },
        scopeLogs: [
          {
            scope: { name: 'sequence' },
            logRecords: Array.from({ length: count }, (_, index) => ({
              timeUnixNano: BigInt(first + index),
              observedTimeUnixNano: BigInt(first + index),
              severityNumber: 9,
              severityText: 'INFO',
              body: `record ${first + index}`,
              attributes: { sequence: first + index },
            })),
          },
        ],
      },
    ],
  };
}
