import { s } from '@wasmpipe/core';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

/** The metrics of the paging scraper, named and shaped as the contrib hostmetrics receiver's. */
export const PAGING_METRICS = {
  usage: {
    name: 'system.paging.usage',
    description: 'Swap usage per swap area.',
    unit: 'By',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: true,
  },
  utilization: {
    name: 'system.paging.utilization',
    description: 'Swap utilization per swap area.',
    unit: '1',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: false,
  },
  operations: {
    name: 'system.paging.operations',
    description: 'Paging operations: pages swapped (major) and KiB paged (minor), as the kernel counts them.',
    unit: '{operations}',
    type: 'cumulative_sum',
    monotonic: true,
    isInteger: true,
    enabledByDefault: true,
  },
  faults: {
    name: 'system.paging.faults',
    description: 'Page faults.',
    unit: '{faults}',
    type: 'cumulative_sum',
    monotonic: true,
    isInteger: true,
    enabledByDefault: true,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the paging scraper. */
export const pagingScraperConfig = s
  .object({ metrics: metricsOption(PAGING_METRICS) })
  .describe('Swap usage from /proc/swaps, paging operations and page faults from /proc/vmstat.');
