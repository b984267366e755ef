import { type Infer, s } from '@wasmpipe/core';
import { logDiscoveryShape } from '../nginx-shared/log-discovery.ts';
import { tailConfigShape } from '../tail/config.ts';
import { errorLogMetricsConfig } from './metadata.ts';

/** The config of the `nginx_error_log` collector; file options are the filelog receiver's. */
export const errorLogConfig = s.object({
  ...tailConfigShape,
  ...logDiscoveryShape,
  collection_interval: s.duration({ min: 1 }).default('10s').describe('How often metrics are emitted.'),
  timezone: s
    .string({
      pattern: /^(local|UTC|[+-]\d{2}:?\d{2})$/,
      patternHint: 'local, UTC or an offset such as +02:00',
    })
    .default('local')
    .describe('The time zone of the times nginx writes (its local time, without a zone).'),
  include_file_name: s.boolean().default(true).describe('Add log.file.name to records.'),
  include_file_path: s.boolean().default(false).describe('Add log.file.path to records.'),
  logs: s
    .object({ enabled: s.boolean().default(true).describe('Emit a log record per entry.') })
    .default({})
    .describe('Log records.'),
  metrics: errorLogMetricsConfig.describe('Counts by level and upstream failures; each can be turned off.'),
});

/** The checked config of the `nginx_error_log` collector. */
export type ErrorLogConfig = Infer<typeof errorLogConfig>;
