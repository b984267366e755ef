// Sample batches for the SDK's and the plugins' tests: every metric type (with exemplars,
// flags, integers, histograms, exponential histograms and summaries) and logs with every AnyValue
// kind.

import type { LogsBatch, MetricsBatch } from '@wasmpipe/core';

const T0 = 1_700_000_000_000_000_000n;
const T1 = 1_700_000_010_123_456_789n;

/** One gauge, sum, histogram, exponential histogram and summary, under two resources. */
export function sampleMetricsBatch(): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': 'web-1', 'os.type': 'linux' }, droppedAttributesCount: 1 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeMetrics: [
          {
            scope: { name: 'wasmpipe/host_metrics', version: '0.1.0', attributes: { 'scope.kind': 'collector' } },
            metrics: [
              {
                name: 'system.cpu.utilization',
                unit: '1',
                description: 'CPU utilisation.',
                data: {
                  type: 'gauge',
                  dataPoints: [{ attributes: { cpu: 'cpu0', state: 'user' }, timeUnixNano: T1, value: 0.25 }],
                },
              },
              {
                name: 'system.network.io',
                unit: 'By',
                data: {
                  type: 'sum',
                  aggregationTemporality: 'cumulative',
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: { direction: 'receive' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      value: 6_000_000_000,
                      isInteger: true,
                    },
                    {
                      attributes: { direction: 'transmit' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      value: 42,
                      isInteger: true,
                      flags: 1,
                    },
                  ],
                },
              },
              {
                name: 'system.cpu.time',
                data: { type: 'sum', aggregationTemporality: 'delta', isMonotonic: false, dataPoints: [] },
              },
            ],
          },
        ],
      },
      {
        resource: { attributes: { 'service.name': 'nginx' } },
        scopeMetrics: [
          {
            scope: { name: 'wasmpipe/nginx' },
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
            metrics: [
              {
                name: 'nginx.request.duration',
                unit: 'ms',
                metadata: { 'prometheus.type': 'histogram' },
                data: {
                  type: 'histogram',
                  aggregationTemporality: 'cumulative',
                  dataPoints: [
                    {
                      attributes: { route: '/api' },
                      startTimeUnixNano: T0,
                      timeUnixNano: T1,
                      count: 10,
                      sum: 123.5,
                      bucketCounts: [1, 4, 5],
                      explicitBounds: [5, 50],
                      min: 0.5,
                      max: 80,
                      exemplars: [
                        {
                          filteredAttributes: { user: 'a' },
                          timeUnixNano: T1,
                          value: 12,
                          isInteger: true,
                          traceId: new Uint8Array(16).fill(7),
                          spanId: new Uint8Array(8).fill(9),
                        },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'nginx.upstream.latency',
                data: {
                  type: 'exponential_histogram',
                  aggregationTemporality: 'delta',
                  dataPoints: [
                    {
                      attributes: {},
                      timeUnixNano: T1,
                      count: 7,
                      sum: 3.5,
                      scale: 3,
                      zeroCount: 1,
                      positive: { offset: -2, bucketCounts: [1, 2, 3] },
                      negative: { offset: 0, bucketCounts: [] },
                      zeroThreshold: 0.001,
                    },
                  ],
                },
              },
              {
                name: 'nginx.response.size',
                data: {
                  type: 'summary',
                  dataPoints: [
                    {
                      attributes: { status: 200 },
                      timeUnixNano: T1,
                      count: 3,
                      sum: 900,
                      quantileValues: [
                        { quantile: 0.5, value: 250 },
                        { quantile: 0.99, value: 400.5 },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Log records with every AnyValue kind in attributes and bodies. */
export function sampleLogsBatch(): LogsBatch {
  return {
    resourceLogs: [
      {
        resource: { attributes: { 'service.name': 'nginx' } },
        scopeLogs: [
          {
            scope: { name: 'wasmpipe/nginx_error_log', version: '0.1.0' },
            logRecords: [
              {
                timeUnixNano: T0,
                observedTimeUnixNano: T1,
                severityNumber: 17,
                severityText: 'ERROR',
                body: 'connect() failed (111: Connection refused)',
                attributes: {
                  string: 'text',
                  integer: 42,
                  negative: -7,
                  large: 9_007_199_254_740_991,
                  double: 3.25,
                  bigint: -(2n ** 60n),
                  boolean: false,
                  bytes: new Uint8Array([0, 1, 254, 255]),
                  nothing: null,
                  list: ['a', 1, true, null, [2.5]],
                  map: { nested: { deeper: 'yes' }, count: 3 },
                  unicode: 'ünïcødé ✓',
                },
                droppedAttributesCount: 2,
                flags: 1,
                traceId: new Uint8Array(16).fill(1),
                spanId: new Uint8Array(8).fill(2),
                eventName: 'nginx.upstream.error',
              },
              { observedTimeUnixNano: T1, attributes: {}, body: { structured: ['body', 1] } },
            ],
          },
        ],
      },
    ],
  };
}
