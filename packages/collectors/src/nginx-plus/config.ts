import { type Infer, s } from '@wasmpipe/core';
import { scrapeOptions } from '../nginx-shared/config.ts';

/** The config of the `nginx_plus` collector. */
export const nginxPlusConfig = s.object({
  ...scrapeOptions('5s'),
  api_version: s
    .integer({ min: 1 })
    .optional()
    .describe('The API version to read; default the highest the server offers that this collector knows (9).'),
});

/** The checked config of the `nginx_plus` collector. */
export type NginxPlusConfig = Infer<typeof nginxPlusConfig>;
