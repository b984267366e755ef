import { s } from '@wasmpipe/core';
import { processFilterOption } from '../../../process/process-filter.ts';
import { processMetricsOption } from '../../../process/process-metrics.ts';

/** The config of the process scraper; option names as in the contrib receiver where they exist. */
export const processScraperConfig = s
  .object({
    metrics: processMetricsOption(),
    include: processFilterOption()
      .optional()
      .describe('Only processes whose executable name, executable path or command line matches; all when absent.'),
    exclude: processFilterOption().optional().describe('Leave out processes that match.'),
  })
  .describe('Per-process CPU, memory, disk I/O and more, from /proc/<pid>, one resource per process.');
