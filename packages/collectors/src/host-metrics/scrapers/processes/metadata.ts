import { s } from '@wasmpipe/core';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

/** The metrics of the processes scraper, named and shaped as the contrib hostmetrics receiver's. */
export const PROCESSES_METRICS = {
  count: {
    name: 'system.processes.count',
    description: 'Total number of processes in each state.',
    unit: '{processes}',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: true,
  },
  created: {
    name: 'system.processes.created',
    description: 'Total number of created processes.',
    unit: '{processes}',
    type: 'cumulative_sum',
    monotonic: true,
    isInteger: true,
    enabledByDefault: true,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the processes scraper. */
export const processesScraperConfig = s
  .object({ metrics: metricsOption(PROCESSES_METRICS) })
  .describe('Process counts by state (each /proc/<pid>/stat) and processes created (/proc/stat).');
