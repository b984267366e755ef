import { s } from '@wasmpipe/core';

/** The metrics of the `nginx_error_log` collector, all on by default. */
export const ERROR_LOG_METRICS = [
  {
    name: 'nginx.error_log.records',
    description: 'Error-log entries by level.',
    unit: '{record}',
  },
  {
    name: 'nginx.upstream.failures',
    description:
      'Upstream failures the error log reports, by reason: timed out, connection refused, no live upstreams, connection reset, closed prematurely, unreachable.',
    unit: '{failure}',
  },
] as const;

/** The name of an error-log metric. */
export type ErrorLogMetricName = (typeof ERROR_LOG_METRICS)[number]['name'];

const toggle = () => s.object({ enabled: s.boolean().default(true) }).default({});

/** `metrics: { enabled, <metric name>: { enabled } }`. */
export const errorLogMetricsConfig = s
  .object({
    enabled: s.boolean().default(true).describe('Emit metrics at all.'),
    'nginx.error_log.records': toggle(),
    'nginx.upstream.failures': toggle(),
  })
  .default({});
