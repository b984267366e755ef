import { type Infer, s } from '@wasmpipe/core';
import { logDiscoveryShape } from '../nginx-shared/log-discovery.ts';
import { tailConfigShape } from '../tail/config.ts';
import { accessLogMetricsConfig } from './metadata.ts';

/** The config of the `nginx_access_log` collector; file options are the filelog receiver's. */
export const accessLogConfig = s.object({
  ...tailConfigShape,
  ...logDiscoveryShape,
  log_format: s
    .string({ nonEmpty: true })
    .default('combined')
    .describe(
      'The log_format as written in nginx.conf (the directive, its quoted strings, or the format), or combined.',
    ),
  escape: s
    .enum(['default', 'json', 'none'])
    .optional()
    .describe('How nginx escapes values, when log_format does not say (escape=...); default when neither does.'),
  collection_interval: s.duration({ min: 1 }).default('10s').describe('How often metrics are emitted.'),
  include_file_name: s.boolean().default(true).describe('Add log.file.name to records.'),
  include_file_path: s.boolean().default(false).describe('Add log.file.path to records.'),
  logs: s
    .object({ enabled: s.boolean().default(true).describe('Emit a log record per line.') })
    .default({})
    .describe('Log records.'),
  metrics: accessLogMetricsConfig.describe('Metrics derived from the lines; each can be turned off.'),
});

/** The checked config of the `nginx_access_log` collector. */
export type AccessLogConfig = Infer<typeof accessLogConfig>;
