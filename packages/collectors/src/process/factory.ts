import { defineCollector } from '@wasmpipe/core';
import { ProcessCollector } from './collector.ts';
import { processCollectorConfig } from './config.ts';

/** The `process` collector type: the nginx master and its workers as process.* metrics. */
export const processCollector = defineCollector({
  type: 'process',
  description: 'Reports the nginx master and worker processes (CPU, memory, fds, threads, disk I/O) from /proc.',
  signals: ['metrics'],
  config: processCollectorConfig,
  create: (config, context, next) => new ProcessCollector(config, context, next),
});
