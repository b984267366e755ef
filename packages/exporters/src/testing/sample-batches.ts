// Test-only: batches that exercise every metric type, every AnyValue kind and the edge cases of
// the wire format (negative and 64-bit integers, multi-byte UTF-8, lengths past one varint byte).

import type { Attributes, LogsBatch, MetricsBatch } from '@wasmpipe/core';

const T0 = 1_700_000_000_000_000_000n;
const T1 = 1_700_000_010_123_456_789n;
const TRACE_ID = Uint8Array.from({ length: 16 }, (_, index) => index + 1);
const SPAN_ID = Uint8Array.from({ length: 8 }, (_, index) => 0xf0 + index);

/** Attributes holding every AnyValue kind, including nested and empty ones. */
export const EVERY_ANY_VALUE: Attributes = {
  string: 'hello',
  'string.unicode': 'héllo wörld ✓ 𝄞',
  'string.empty': '',
  'string.long': 'x'.repeat(200),
  'string.long.unicode': 'é'.repeat(70_000),
  'bool.true': true,
  'bool.false': false,
  'int.zero': 0,
  'int.small': 42,
  'int.negative': -7,
  'int.large': 2 ** 40 + 3,
  'int.min.safe': -Number.MAX_SAFE_INTEGER,
  'int.bigint': 9_007_199_254_740_993n,
  'int.bigint.negative': -9_223_372_036_854_775_808n,
  double: 3.25,
  'double.negative': -0.5,
  'double.huge': 1e300,
  'double.nan': Number.NaN,
  'double.infinity': Number.POSITIVE_INFINITY,
  bytes: Uint8Array.of(0, 1, 2, 255),
  'bytes.empty': new Uint8Array(0),
  array: ['a', 1, 2.5, true, null, ['nested'], { inner: 'map' }],
  'array.empty': [],
  kvlist: { a: 'b', n: 1, deeper: { list: [1, 2, 3] } },
  'kvlist.empty': {},
  null: null,
};

/** A metrics batch with every metric type, exemplars, schema URLs and two resources. */
export function sampleMetricsBatch(): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'nginx', 'host.name': 'web-1' }, droppedAttributesCount: 2 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeMetrics: [
          {
            scope: {
              name: 'wasmpipe/nginx',
              version: '0.1.0',
              attributes: { 'scope.attribute': 1 },
              droppedAttributesCount: 1,
            },
            schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
            metrics: [
              {
                name: 'nginx.connections.current',
                description: 'Current connections by state.',
                unit: '{connection}',
                data: {
                  type: 'gauge',
                  dataPoints: [
                    { attributes: { state: 'active' }, timeUnixNano: T1, value: 12, isInteger: true },
                    { attributes: { state: 'reading' }, timeUnixNano: T1, value: -3, isInteger: true, flags: 1 },
                    { attributes: EVERY_ANY_VALUE, timeUnixNano: T1, value: 0.75 },
                    { attributes: {}, timeUnixNano: T1, value: 0 },
                  ],
                },
              },
              {
                name: 'nginx.requests',
                unit: '{request}',
                metadata: { 'prometheus.type': 'counter' },
                data: {
                  type: 'sum',
                  aggregationTemporality: 'cumulative',
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: { method: 'GET' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      value: 2 ** 52 + 1,
                      isInteger: true,
                      exemplars: [
                        {
                          filteredAttributes: { user: 'u1' },
                          timeUnixNano: T1,
                          value: 5,
                          isInteger: true,
                          traceId: TRACE_ID,
                          spanId: SPAN_ID,
                        },
                        { filteredAttributes: {}, timeUnixNano: T0, value: 1.5 },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'nginx.upstream.delta',
                data: {
                  type: 'sum',
                  aggregationTemporality: 'delta',
                  isMonotonic: false,
                  dataPoints: [{ attributes: {}, startTimeUnixNano: T0, timeUnixNano: T1, value: -1.25 }],
                },
              },
            ],
          },
          {
            scope: { name: '' },
            metrics: [
              {
                name: 'http.server.duration',
                unit: 's',
                data: {
                  type: 'histogram',
                  aggregationTemporality: 'delta',
                  dataPoints: [
                    {
                      attributes: { route: '/' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      count: 6,
                      sum: 1.5,
                      bucketCounts: [1, 2, 3],
                      explicitBounds: [0.1, 0.5],
                      min: 0.01,
                      max: 0.9,
                      exemplars: [{ filteredAttributes: { a: 'b' }, timeUnixNano: T1, value: 0.2, spanId: SPAN_ID }],
                    },
                    {
                      attributes: {},
                      timeUnixNano: T1,
                      count: 0,
                      sum: 0,
                      bucketCounts: [],
                      explicitBounds: [],
                      flags: 1,
                    },
                  ],
                },
              },
              {
                name: 'http.server.duration.exponential',
                data: {
                  type: 'exponential_histogram',
                  aggregationTemporality: 'cumulative',
                  dataPoints: [
                    {
                      attributes: { route: '/api' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      count: 2 ** 33 + 10,
                      sum: 100.5,
                      scale: -3,
                      zeroCount: 2,
                      positive: { offset: -2, bucketCounts: [1, 0, 300, 2 ** 33] },
                      negative: { offset: 5, bucketCounts: [] },
                      min: -1,
                      max: 50,
                      zeroThreshold: 1e-9,
                      exemplars: [{ filteredAttributes: {}, timeUnixNano: T1, value: 7, isInteger: true }],
                    },
                    {
                      attributes: {},
                      timeUnixNano: T1,
                      count: 0,
                      scale: 4,
                      zeroCount: 0,
                      positive: { offset: 0, bucketCounts: [] },
                      negative: { offset: 0, bucketCounts: [] },
                    },
                  ],
                },
              },
              {
                name: 'rpc.latency.summary',
                data: {
                  type: 'summary',
                  dataPoints: [
                    {
                      attributes: { service: 'a' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      count: 10,
                      sum: 12.5,
                      quantileValues: [
                        { quantile: 0, value: 0.1 },
                        { quantile: 0.5, value: 1 },
                        { quantile: 1, value: 0 },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
      { resource: { attributes: {} }, scopeMetrics: [] },
    ],
  };
}

/** A logs batch with every field set on one record, every body kind, and a minimal record. */
export function sampleLogsBatch(): LogsBatch {
  const bodies = Object.values(EVERY_ANY_VALUE);
  return {
    resourceLogs: [
      {
        resource: { attributes: { 'service.name': 'nginx' } },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeLogs: [
          {
            scope: { name: 'wasmpipe/nginx_access_log', version: '1.2.3' },
            schemaUrl: 'https://opentelemetry.io/schemas/1.25.0',
            logRecords: [
              {
                timeUnixNano: T0,
                observedTimeUnixNano: T1,
                severityNumber: 9,
                severityText: 'INFO',
                body: 'GET / HTTP/1.1 200',
                attributes: EVERY_ANY_VALUE,
                droppedAttributesCount: 3,
                flags: 0xffffffff,
                traceId: TRACE_ID,
                spanId: SPAN_ID,
                eventName: 'http.access',
              },
              ...bodies.map((body, index) => ({
                observedTimeUnixNano: T1 + BigInt(index),
                severityNumber: 17,
                body,
                attributes: { index },
              })),
              { observedTimeUnixNano: 0n, attributes: {} },
            ],
          },
        ],
      },
    ],
  };
}

/** A batch of `points` sum data points with three attributes each, spread over metrics of 100 points. */
export function largeSumBatch(points: number): MetricsBatch {
  const metrics: MetricsBatch['resourceMetrics'][number]['scopeMetrics'][number]['metrics'] = [];
  for (let first = 0; first < points; first += 100) {
    const dataPoints = [];
    for (let index = first; index < Math.min(points, first + 100); index++) {
      dataPoints.push({
        attributes: {
          'http.method': 'GET',
          'http.route': `/route/${index % 50}`,
          'http.status_code': 200 + (index % 5),
        },
        startTimeUnixNano: T0,
        timeUnixNano: T1,
        value: index,
        isInteger: true,
      });
    }
    metrics.push({
      name: `requests.${first / 100}`,
      unit: '{request}',
      data: { type: 'sum', aggregationTemporality: 'cumulative', isMonotonic: true, dataPoints },
    });
  }
  return {
    resourceMetrics: [
      { resource: { attributes: { 'service.name': 'bench' } }, scopeMetrics: [{ scope: { name: 'bench' }, metrics }] },
    ],
  };
}
