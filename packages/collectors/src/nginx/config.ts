import { type Infer, s } from '@wasmpipe/core';
import { scrapeOptions } from '../nginx-shared/config.ts';

/** The config of the `nginx` (stub_status) collector; option names follow the contrib nginx receiver. */
export const nginxConfig = s.object({
  ...scrapeOptions('5s'),
  naming: s
    .enum(['nginx_agent', 'otel_contrib'])
    .default('nginx_agent')
    .describe('Metric names: the NGINX Agent v3 registry, or the OpenTelemetry Collector contrib nginx receiver.'),
});

/** The checked config of the `nginx` collector. */
export type NginxConfig = Infer<typeof nginxConfig>;
