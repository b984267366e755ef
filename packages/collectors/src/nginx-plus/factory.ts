import { defineCollector } from '@wasmpipe/core';
import { validateScrapeOptions } from '../nginx-shared/config.ts';
import { NginxPlusCollector } from './collector.ts';
import { nginxPlusConfig } from './config.ts';

/** The `nginx_plus` collector type: the NGINX Plus REST API, named as the NGINX Agent v3 nginxplus receiver. */
export const nginxPlusCollector = defineCollector({
  type: 'nginx_plus',
  description: 'Scrapes the NGINX Plus REST API, named as the NGINX Agent v3 nginxplus receiver.',
  signals: ['metrics'],
  config: nginxPlusConfig,
  validate: (config, context) => validateScrapeOptions(config, context.path, context.platform, context.configDirectory),
  create: (config, context, next) => new NginxPlusCollector(config, context, next),
});
