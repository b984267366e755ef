import { type Infer, s } from '@wasmpipe/core';
import { DETECTORS } from '../resource-detection/detect.ts';
import { scrapersConfig } from './scrapers/index.ts';

/** The config of the `host_metrics` collector; option names follow the contrib hostmetrics receiver. */
export const hostMetricsConfig = s.object({
  collection_interval: s.duration({ min: 1 }).default('10s').describe('How often to scrape.'),
  initial_delay: s.duration().default('1s').describe('How long to wait after start before the first scrape.'),
  root_path: s
    .string()
    .default('')
    .describe('The host root, for a containerised collector: files are read under <root_path>/proc, /sys, /etc.'),
  scrapers: scrapersConfig
    .default({ cpu: {}, memory: {} })
    .describe('The scrapers to run, each with its own options; a scraper runs when its key is present.'),
  naming: s
    .enum(['otel_contrib', 'semconv'] as const)
    .default('otel_contrib')
    .describe('Metric and attribute names: the contrib hostmetrics receiver, or semantic conventions v1.44.'),
  resource_detection: s
    .object({
      detectors: s
        .array(s.enum(DETECTORS))
        .default(['system'])
        .describe('Detectors run for the resource of every batch, first one wins: system, env.'),
    })
    .default({})
    .describe('The resource attributes every batch carries.'),
  cgroup_limits: s
    .enum(['auto', 'off'] as const)
    .default('auto')
    .describe(
      'auto: inside a cgroup v2 with memory.max or cpu.max set (a container), report memory and CPU against those limits. Ignored with root_path.',
    ),
});

/** The checked config of the `host_metrics` collector. */
export type HostMetricsConfig = Infer<typeof hostMetricsConfig>;
