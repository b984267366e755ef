// Small real components for testing the runtime: a collector that emits what it is told, a
// processor that renames metrics, and an exporter that records what it receives.
import type { Consumer } from '../component/consumer.ts';
import { defineCollector, defineExporter, defineProcessor } from '../component/define.ts';
import { s } from '../config/schema.ts';
import { permanentError } from '../errors/errors.ts';
import type { MetricsBatch } from '../model/metrics.ts';

/** Builds a metrics batch with `points` gauge points spread over `metrics` metrics. */
export function makeBatch(names: string[], pointsPerMetric = 1, resource = 'test-host'): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': resource } },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: names.map((name) => ({
              name,
              unit: '1',
              data: {
                type: 'gauge' as const,
                dataPoints: Array.from({ length: pointsPerMetric }, (_, index) => ({
                  attributes: { index },
                  timeUnixNano: 1_700_000_000_000_000_000n,
                  value: index,
                })),
              },
            })),
          },
        ],
      },
    ],
  };
}

/** Collectors created by {@link manualCollector}, by id, so a test can push through them. */
export const manualOutputs = new Map<string, Consumer>();

/** A collector that does nothing by itself; tests push batches through `manualOutputs`. */
export const manualCollector = defineCollector({
  type: 'manual',
  description: 'Test collector driven by the test.',
  signals: ['metrics', 'logs'],
  config: s.object({ label: s.string().optional() }),
  create(_config, context, next) {
    manualOutputs.set(context.id, next);
    return { shutdown: () => void manualOutputs.delete(context.id) };
  },
});

/** A processor that appends a suffix to every metric name, in place. */
export const renameProcessor = defineProcessor({
  type: 'rename',
  description: 'Test processor appending a suffix to metric names.',
  signals: ['metrics'],
  config: s.object({ suffix: s.string() }),
  mutatesData: true,
  create(config, _context, next) {
    return {
      async consumeMetrics(batch) {
        for (const resource of batch.resourceMetrics)
          for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) metric.name += config.suffix;
        await next.consumeMetrics?.(batch);
      },
    };
  },
});

/** What a {@link recordingExporter} received, by id. */
export const recorded = new Map<string, MetricsBatch[]>();

/** An exporter that records batches, optionally slowly or failing. */
export const recordingExporter = defineExporter({
  type: 'recording',
  description: 'Test exporter that keeps what it receives.',
  signals: ['metrics', 'logs'],
  config: s.object({ delay: s.duration().default(0), fail: s.boolean().default(false) }),
  create(config, context) {
    const batches: MetricsBatch[] = [];
    recorded.set(context.id, batches);
    return {
      async exportMetrics(batch) {
        if (config.delay > 0) await new Promise((resolve) => setTimeout(resolve, config.delay));
        if (config.fail) throw permanentError('The recording exporter was told to fail.');
        batches.push(batch);
      },
      async exportLogs() {},
    };
  },
});
