import { type Infer, s } from '@wasmpipe/core';
import { DEFAULT_NGINX_CONFIG_PATH } from '../nginx-discovery/discover.ts';
import { processMetricsOption } from './process-metrics.ts';

/** The metric of the process collector besides the process.* ones. */
export const WORKERS_COUNT = {
  name: 'nginx.workers.count',
  description: 'Worker processes of the nginx master (its children whose title is "nginx: worker process").',
  unit: '{process}',
  type: 'cumulative_sum',
  monotonic: false,
  isInteger: true,
  enabledByDefault: true,
} as const;

/** The config of the `process` collector. */
export const processCollectorConfig = s.object({
  pid_file: s
    .string({ nonEmpty: true })
    .default('/run/nginx.pid')
    .describe('The master pid file; when it is missing or stale, processes named process_name are used.'),
  process_name: s
    .string({ nonEmpty: true })
    .default('nginx')
    .describe('The executable name of the master, checked against the pid file and used to search without it.'),
  discover: s
    .boolean()
    .default(false)
    .describe('Take the pid file from the `pid` directive of nginx.conf (config_path).'),
  config_path: s
    .string({ nonEmpty: true })
    .default(DEFAULT_NGINX_CONFIG_PATH)
    .describe('The nginx.conf discovery reads.'),
  collection_interval: s.duration({ min: 1 }).default('10s').describe('How often to scrape.'),
  initial_delay: s.duration().default('1s').describe('How long to wait after start before the first scrape.'),
  root_path: s.string().default('').describe('The host root, for a containerised collector: /proc is read under it.'),
  naming: s
    .enum(['otel_contrib', 'semconv'] as const)
    .default('otel_contrib')
    .describe('process.* names of the contrib hostmetrics receiver, or of the semantic conventions v1.44.'),
  instance_id: s
    .string({ nonEmpty: true })
    .optional()
    .describe('The instance.id resource attribute; default derived from nginx.conf when discover is true.'),
  metrics: processMetricsOption({
    'process.threads': true,
    'process.open_file_descriptors': true,
    'process.context_switches': true,
  }).describe('process.* metrics to emit; nginx.workers.count is switched with workers_count.'),
  workers_count: s.boolean().default(true).describe('Emit nginx.workers.count on the master.'),
});

/** The checked config of the `process` collector. */
export type ProcessCollectorConfig = Infer<typeof processCollectorConfig>;
