import { s } from '@wasmpipe/core';
import { type MetricDescriptor, metricToggle } from '../../metric-builders.ts';
import { USED_CALCULATIONS } from './memory-usage.ts';

/** The metrics of the memory scraper, named and shaped as the contrib hostmetrics receiver's. */
export const MEMORY_METRICS = {
  usage: {
    name: 'system.memory.usage',
    description: 'Bytes of memory in each state.',
    unit: 'By',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: true,
  },
  utilization: {
    name: 'system.memory.utilization',
    description: 'Fraction of memory in each state.',
    unit: '1',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: false,
  },
  available: {
    name: 'system.linux.memory.available',
    description: 'An estimate of how much memory is available for starting new applications, without swapping.',
    unit: 'By',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: false,
  },
  limit: {
    name: 'system.memory.limit',
    description: "Total bytes of memory: MemTotal, or the cgroup's memory.max inside a cgroup with a memory limit.",
    unit: 'By',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: false,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the memory scraper: which of its metrics to emit, and how `used` is computed. */
export const memoryScraperConfig = s
  .object({
    metrics: s
      .object({
        'system.memory.usage': metricToggle(MEMORY_METRICS.usage.enabledByDefault),
        'system.memory.utilization': metricToggle(MEMORY_METRICS.utilization.enabledByDefault),
        'system.linux.memory.available': metricToggle(MEMORY_METRICS.available.enabledByDefault),
        'system.memory.limit': metricToggle(MEMORY_METRICS.limit.enabledByDefault),
      })
      .default({}),
    used_calculation: s
      .enum(USED_CALCULATIONS)
      .default('total_minus_available')
      .describe('How the `used` state is computed: MemTotal - MemAvailable, or MemTotal - MemFree - Buffers - Cached.'),
  })
  .describe('Memory usage by state, from /proc/meminfo.');
