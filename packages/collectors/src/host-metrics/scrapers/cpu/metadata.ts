import { s } from '@wasmpipe/core';
import { type MetricDescriptor, metricToggle } from '../../metric-builders.ts';

/** The metrics of the cpu scraper, named and shaped as the contrib hostmetrics receiver's. */
export const CPU_METRICS = {
  time: {
    name: 'system.cpu.time',
    description: 'Total seconds each logical CPU spent in each state.',
    unit: 's',
    type: 'cumulative_sum',
    monotonic: true,
    isInteger: false,
    enabledByDefault: true,
  },
  utilization: {
    name: 'system.cpu.utilization',
    description: 'Fraction of time each logical CPU spent in each state since the previous scrape.',
    unit: '1',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: false,
  },
  logicalCount: {
    name: 'system.cpu.logical.count',
    description: 'Number of online logical CPUs.',
    unit: '{cpu}',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: false,
  },
  physicalCount: {
    name: 'system.cpu.physical.count',
    description: 'Number of physical CPU cores.',
    unit: '{cpu}',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: false,
  },
  frequency: {
    name: 'system.cpu.frequency',
    description: 'Current frequency of each logical CPU.',
    unit: 'Hz',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: false,
  },
  limit: {
    name: 'system.cpu.limit',
    description:
      "CPUs the collector's cgroup may use (cpu.max quota over period); only inside a cgroup with a CPU limit.",
    unit: '{cpu}',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: false,
    enabledByDefault: true,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the cpu scraper: which of its metrics to emit. */
export const cpuScraperConfig = s
  .object({
    metrics: s
      .object({
        'system.cpu.time': metricToggle(CPU_METRICS.time.enabledByDefault),
        'system.cpu.utilization': metricToggle(CPU_METRICS.utilization.enabledByDefault),
        'system.cpu.logical.count': metricToggle(CPU_METRICS.logicalCount.enabledByDefault),
        'system.cpu.physical.count': metricToggle(CPU_METRICS.physicalCount.enabledByDefault),
        'system.cpu.frequency': metricToggle(CPU_METRICS.frequency.enabledByDefault),
        'system.cpu.limit': metricToggle(CPU_METRICS.limit.enabledByDefault),
      })
      .default({}),
  })
  .describe('Per-CPU time, utilization and the logical CPU count, from /proc/stat.');
