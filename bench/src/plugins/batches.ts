// Synthetic inputs for the plugin benchmarks: metrics batches of an exact number of data points,
// shaped like host metrics (a handful of names, three attributes per point), built before timing.
import type { Attributes, Metric, MetricsBatch } from '@wasmpipe/core';

const NAMES = [
  'system.memory.usage',
  'system.memory.utilization',
  'system.cpu.time',
  'system.cpu.utilization',
  'system.disk.io',
  'system.disk.operations',
  'system.network.io',
  'system.network.packets',
];
const STATES = ['user', 'system', 'idle', 'nice', 'wait', 'interrupt', 'softirq', 'steal'];
const T0 = 1_700_000_000_000_000_000n;

/**
 * A batch of `points` data points: one metric per `pointsPerMetric` points, names cycling through
 * eight host metric names (a quarter of them `system.cpu.*`), three attributes per point.
 */
export function metricsBatch(points: number, pointsPerMetric = 1): MetricsBatch {
  const metrics: Metric[] = [];
  for (let first = 0; first < points; first += pointsPerMetric) {
    const index = metrics.length;
    const count = Math.min(pointsPerMetric, points - first);
    const dataPoints = Array.from({ length: count }, (_, point) => {
      const attributes: Attributes = {
        cpu: `cpu${(first + point) % 16}`,
        state: STATES[(first + point) % STATES.length] as string,
        'client.address': `10.0.${(first + point) % 256}.${point % 256}`,
      };
      return { attributes, startTimeUnixNano: T0, timeUnixNano: T0 + 10_000_000_000n, value: first + point + 0.5 };
    });
    metrics.push({
      name: NAMES[index % NAMES.length] as string,
      unit: 's',
      data: { type: 'sum', aggregationTemporality: 'cumulative', isMonotonic: true, dataPoints },
    });
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': 'bench-host', 'os.type': 'linux' } },
        scopeMetrics: [{ scope: { name: '@wasmpipe/bench', version: '0.1.0' }, metrics }],
      },
    ],
  };
}

/** `count` independent copies (a processor may change or drop what it is given). */
export function copies(count: number, make: () => MetricsBatch): MetricsBatch[] {
  return Array.from({ length: count }, make);
}
