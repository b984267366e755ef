import { s } from '@wasmpipe/core';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

const loadAverage = <const W extends string>(window: W, minutes: string) =>
  ({
    name: `system.cpu.load_average.${window}` as `system.cpu.load_average.${W}`,
    description: `Average CPU load over ${minutes}.`,
    unit: '{thread}',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: true,
  }) as const;

/** The metrics of the load scraper, named and shaped as the contrib hostmetrics receiver's. */
export const LOAD_METRICS = {
  load1: loadAverage('1m', '1 minute'),
  load5: loadAverage('5m', '5 minutes'),
  load15: loadAverage('15m', '15 minutes'),
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the load scraper. */
export const loadScraperConfig = s
  .object({
    metrics: metricsOption(LOAD_METRICS),
    cpu_average: s
      .boolean()
      .default(false)
      .describe('Divide the load averages by the number of logical CPUs, as contrib does with this option.'),
  })
  .describe('Load averages over 1, 5 and 15 minutes, from /proc/loadavg.');
