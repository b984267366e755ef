import { defineCollector, joinPath, type Problem } from '@wasmpipe/core';
import { validateLogDiscovery } from '../nginx-shared/log-discovery.ts';
import { validateTailConfig } from '../tail/config.ts';
import { NginxAccessLogCollector } from './collector.ts';
import { accessLogConfig } from './config.ts';
import { parseLogFormat } from './log-format.ts';
import { compileScanner } from './scanner.ts';

/** The `nginx_access_log` collector type: tails access logs into log records and metrics. */
export const nginxAccessLogCollector = defineCollector({
  type: 'nginx_access_log',
  description:
    'Tails nginx access logs written with any log_format: a log record per request and metrics by status, method, timing and size.',
  signals: ['logs', 'metrics'],
  config: accessLogConfig,
  async validate(config, context) {
    const problems: Problem[] = [
      ...(await validateLogDiscovery(config, context.path, context.platform, context.configDirectory)),
      ...validateTailConfig(config, context.path, context.configDirectory),
    ];
    try {
      compileScanner(parseLogFormat(config.log_format, config.escape));
    } catch (error) {
      problems.push({ path: joinPath(context.path, 'log_format'), message: (error as Error).message });
    }
    return problems;
  },
  create: (config, context, next) => new NginxAccessLogCollector(config, context, next),
});
