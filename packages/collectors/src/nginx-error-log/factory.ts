import { defineCollector } from '@wasmpipe/core';
import { validateLogDiscovery } from '../nginx-shared/log-discovery.ts';
import { validateTailConfig } from '../tail/config.ts';
import { NginxErrorLogCollector } from './collector.ts';
import { errorLogConfig } from './config.ts';

/** The `nginx_error_log` collector type: tails error logs into records, counts by level and upstream failures. */
export const nginxErrorLogCollector = defineCollector({
  type: 'nginx_error_log',
  description:
    'Tails nginx error logs: a log record per entry with its severity, and counts by level and of upstream failures.',
  signals: ['logs', 'metrics'],
  config: errorLogConfig,
  validate: async (config, context) => [
    ...(await validateLogDiscovery(config, context.path, context.platform, context.configDirectory)),
    ...validateTailConfig(config, context.path, context.configDirectory),
  ],
  create: (config, context, next) => new NginxErrorLogCollector(config, context, next),
});
