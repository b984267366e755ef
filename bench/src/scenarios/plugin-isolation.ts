// The cost of isolation: one call per batch through a plugin running in a worker thread
// (`workers: 1`, what a timeout needs) against the same plugin in the pipeline's thread
// (`workers: 0`), at three batch sizes. The plugin is a minimal guest that answers "unchanged",
// so the figures are the host's own cost (encode, call, answer); the difference of the medians is
// the worker hop: a copy of the encoded batch into a shared buffer, two messages, and a copy of
// the answer back.
import type { MetricsBatch } from '@wasmpipe/core';
import { WapcPlugin } from '@wasmpipe/host-wapc';
import { buildTestGuest } from '../../../packages/host-wapc/src/testing/guests.ts';
import { alternate, type Comparison, type Scenario } from '../harness.ts';
import { hostShapedBatch } from './slice-throughput.ts';

/** A batch of about `points` data points: host-shaped batches (284 points) or a cut of one. */
function batchOf(points: number): MetricsBatch {
  if (points < 284) {
    const batch = hostShapedBatch();
    const scope = batch.resourceMetrics[0]?.scopeMetrics[0];
    const metric = scope?.metrics[0];
    if (scope && metric) {
      metric.data.dataPoints.length = points;
      scope.metrics = [metric];
    }
    return batch;
  }
  const batch = hostShapedBatch();
  for (let index = 1; index < Math.round(points / 284); index++) {
    batch.resourceMetrics.push(...hostShapedBatch().resourceMetrics);
  }
  return batch;
}

/** Microseconds per call, over `calls` sequential calls on fresh batches. */
async function microsecondsPerCall(plugin: WapcPlugin, points: number, calls: number): Promise<number> {
  const batches = Array.from({ length: calls }, () => batchOf(points));
  const begin = performance.now();
  for (const batch of batches) await plugin.processMetrics(batch);
  return ((performance.now() - begin) * 1000) / calls;
}

export const pluginIsolation: Scenario = {
  name: 'plugin-isolation',
  description:
    'one call per batch to a no-op plugin in a worker (workers: 1) vs in the pipeline thread (workers: 0); µs per batch',
  async run({ runs }) {
    const bytes = buildTestGuest('unchanged', ['metrics']);
    const load = async (workers: number) => {
      const plugin = await WapcPlugin.load(bytes, { workers, timeoutMs: 10_000 });
      await plugin.configure({});
      return plugin;
    };
    const inThread = await load(0);
    const inWorker = await load(1);
    const comparisons: Comparison[] = [];
    try {
      for (const [points, calls] of [
        [1, 2000],
        [284, 500],
        [2840, 100],
      ] as const) {
        const [worker, thread] = await alternate(
          runs,
          () => microsecondsPerCall(inWorker, points, calls),
          () => microsecondsPerCall(inThread, points, calls),
        );
        comparisons.push({
          metric: `µs per batch of ${points} points`,
          unit: 'µs',
          higherIsBetter: false,
          subject: { name: 'worker (workers: 1)', runs: worker },
          peer: { name: 'pipeline thread (workers: 0)', runs: thread },
        });
      }
    } finally {
      await inThread.close();
      await inWorker.close();
    }
    return comparisons;
  },
};
