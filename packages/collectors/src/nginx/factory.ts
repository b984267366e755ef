import { defineCollector } from '@wasmpipe/core';
import { validateScrapeOptions } from '../nginx-shared/config.ts';
import { NginxCollector } from './collector.ts';
import { nginxConfig } from './config.ts';

/** The `nginx` collector type: the stub_status page, named as NGINX Agent v3 or the contrib nginx receiver. */
export const nginxCollector = defineCollector({
  type: 'nginx',
  description: 'Scrapes an nginx stub_status page, named as NGINX Agent v3 (or the contrib nginx receiver).',
  signals: ['metrics'],
  config: nginxConfig,
  validate: (config, context) => validateScrapeOptions(config, context.path, context.platform, context.configDirectory),
  create: (config, context, next) => new NginxCollector(config, context, next),
});
