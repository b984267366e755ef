// Test-only: a collector that emits what the test tells it to, and batches of numbered points:
// every point's value is its sequence number and its resource's service.name is its stream.

import { type Consumer, defineCollector, type MetricsBatch, s } from '@wasmpipe/core';

/** The consumers of running sequence collectors, by id, so a test can push through them. */
export const sequenceOutputs = new Map<string, Consumer>();

/** A collector driven by the test through {@link sequenceOutputs}. */
export const sequenceCollector = defineCollector({
  type: 'sequence',
  description: 'Test collector driven by the test.',
  signals: ['metrics'],
  config: s.object({}),
  create(_config, context, next) {
    sequenceOutputs.set(context.id, next);
    return { shutdown: () => void sequenceOutputs.delete(context.id) };
  },
});

/** A batch of `count` gauge points of one stream, numbered from `first`. */
export function numberedBatch(stream: string, first: number, count: number): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': stream } },
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
