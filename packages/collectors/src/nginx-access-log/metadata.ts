// The metrics derived from access logs. `nginx.http.response.count` is NGINX Agent v3's; the rest
// follow NGINX Agent v2's access-log metrics, as attributes and histograms instead of one metric
// per value and fixed percentiles (a histogram aggregates across hosts, a p95 does not).
import { s } from '@wasmpipe/core';

/** How a metric is shaped. */
export type AccessLogMetricKind = 'gauge' | 'sum' | 'histogram';

/** Name, unit, shape and the variables one metric needs. */
export interface AccessLogMetricDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly kind: AccessLogMetricKind;
  /** At least one of these variables must be in the log format for the metric to be emitted. */
  readonly needs: readonly string[];
}

/** Every metric of the `nginx_access_log` collector, all on by default. */
export const ACCESS_LOG_METRICS = [
  {
    name: 'nginx.http.response.count',
    description: 'Responses sent to clients since the previous collection, by status code range.',
    unit: '{response}',
    kind: 'gauge',
    needs: ['status'],
  },
  {
    name: 'nginx.http.response.status',
    description: 'Responses sent to clients, by status code, its range, request method and HTTP version.',
    unit: '{response}',
    kind: 'sum',
    needs: ['status'],
  },
  {
    name: 'nginx.http.request.time',
    description: 'Time spent processing requests ($request_time).',
    unit: 's',
    kind: 'histogram',
    needs: ['request_time'],
  },
  {
    name: 'nginx.http.request.length',
    description: 'Length of requests, request line, headers and body included ($request_length).',
    unit: 'By',
    kind: 'histogram',
    needs: ['request_length'],
  },
  {
    name: 'nginx.http.request.body_bytes_sent',
    description: 'Response body bytes sent to clients ($body_bytes_sent).',
    unit: 'By',
    kind: 'histogram',
    needs: ['body_bytes_sent'],
  },
  {
    name: 'nginx.http.request.bytes_sent',
    description: 'Bytes sent to clients, headers included ($bytes_sent).',
    unit: 'By',
    kind: 'histogram',
    needs: ['bytes_sent'],
  },
  {
    name: 'nginx.http.gzip.ratio',
    description: 'Compression ratio of gzipped responses ($gzip_ratio).',
    unit: '1',
    kind: 'histogram',
    needs: ['gzip_ratio'],
  },
  {
    name: 'nginx.upstream.connect.time',
    description: 'Time spent establishing connections with upstream servers, one observation per attempt.',
    unit: 's',
    kind: 'histogram',
    needs: ['upstream_connect_time'],
  },
  {
    name: 'nginx.upstream.header.time',
    description: 'Time until the response header from upstream servers arrived, one observation per attempt.',
    unit: 's',
    kind: 'histogram',
    needs: ['upstream_header_time'],
  },
  {
    name: 'nginx.upstream.response.time',
    description: 'Time until the whole response from upstream servers arrived, one observation per attempt.',
    unit: 's',
    kind: 'histogram',
    needs: ['upstream_response_time'],
  },
  {
    name: 'nginx.upstream.response.length',
    description: 'Length of upstream responses, one observation per attempt.',
    unit: 'By',
    kind: 'histogram',
    needs: ['upstream_response_length'],
  },
  {
    name: 'nginx.upstream.response.status',
    description: 'Responses from upstream servers by status code range, one per attempt.',
    unit: '{response}',
    kind: 'sum',
    needs: ['upstream_status'],
  },
  {
    name: 'nginx.upstream.request.count',
    description: 'Requests passed to upstream servers.',
    unit: '{request}',
    kind: 'sum',
    needs: [
      'upstream_addr',
      'upstream_status',
      'upstream_response_time',
      'upstream_connect_time',
      'upstream_header_time',
    ],
  },
  {
    name: 'nginx.upstream.next.count',
    description: 'Requests passed to more than one upstream server (the next one after a failure).',
    unit: '{request}',
    kind: 'sum',
    needs: ['upstream_addr', 'upstream_status', 'upstream_response_time'],
  },
  {
    name: 'nginx.cache.responses',
    description: 'Responses by cache outcome ($upstream_cache_status).',
    unit: '{response}',
    kind: 'sum',
    needs: ['upstream_cache_status'],
  },
] as const satisfies readonly AccessLogMetricDescriptor[];

/** The name of an access-log metric. */
export type AccessLogMetricName = (typeof ACCESS_LOG_METRICS)[number]['name'];

/** `metrics: { enabled, <metric name>: { enabled } }`. */
export const accessLogMetricsConfig = s
  .object({
    enabled: s.boolean().default(true).describe('Emit metrics at all.'),
    ...(Object.fromEntries(ACCESS_LOG_METRICS.map((metric) => [metric.name, metricToggle()])) as Record<
      AccessLogMetricName,
      ReturnType<typeof metricToggle>
    >),
  })
  .default({});

function metricToggle() {
  return s.object({ enabled: s.boolean().default(true) }).default({});
}
