import { s } from '@wasmpipe/core';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

/** The metrics of the system scraper, named and shaped as the contrib hostmetrics receiver's. */
export const SYSTEM_METRICS = {
  uptime: {
    name: 'system.uptime',
    description: 'The time the system has been running.',
    unit: 's',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: true,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the system scraper. */
export const systemScraperConfig = s
  .object({ metrics: metricsOption(SYSTEM_METRICS) })
  .describe('The uptime of the host, from /proc/uptime.');
