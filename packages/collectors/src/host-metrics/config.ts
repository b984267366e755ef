import { type Infer, s } from '@wasmpipe/core';
import { scrapersConfig } from './scrapers/index.ts';

/** The config of the `host_metrics` collector; option names follow the contrib hostmetrics receiver. */
export const hostMetricsConfig = s.object({
  collection_interval: s.duration({ min: 1 }).default('10s').describe('How often to scrape.'),
  initial_delay: s.duration().default('1s').describe('How long to wait after start before the first scrape.'),
  root_path: s
    .string()
    .default('')
    .describe('The host root, for a containerised collector: files are read under <root_path>/proc.'),
  scrapers: scrapersConfig
    .default({ cpu: {}, memory: {} })
    .describe('The scrapers to run, each with its own options; a scraper runs when its key is present.'),
});

/** The checked config of the `host_metrics` collector. */
export type HostMetricsConfig = Infer<typeof hostMetricsConfig>;
