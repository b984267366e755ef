import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import { decodeValue, encodeValue } from './batch-codec.ts';

const metrics: MetricsBatch = {
  resourceMetrics: [
    {
      resource: { attributes: { 'host.name': 'web-1', 'é✓𝄞': 'ünï' }, droppedAttributesCount: 1 },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      scopeMetrics: [
        {
          scope: { name: 'wasmpipe', version: '1' },
          metrics: [
            {
              name: 'requests',
              data: {
                type: 'sum',
                aggregationTemporality: 'cumulative',
                isMonotonic: true,
                dataPoints: [
                  {
                    attributes: { int: 3, neg: -7, big: 2n ** 63n - 1n, huge: 2n ** 70n, negBig: -(2n ** 63n) },
                    startTimeUnixNano: 1_700_000_000_000_000_000n,
                    timeUnixNano: 1_700_000_010_000_000_001n,
                    value: 2 ** 52 + 1,
                    isInteger: true,
                  },
                  {
                    attributes: { nan: Number.NaN, inf: -Infinity, zero: -0, half: 0.5, max: Number.MAX_SAFE_INTEGER },
                    timeUnixNano: 0n,
                    value: 1e300,
                  },
                ],
              },
            },
            {
              name: 'latency',
              data: {
                type: 'histogram',
                aggregationTemporality: 'delta',
                dataPoints: [
                  {
                    attributes: {
                      bytes: Uint8Array.of(0, 255, 7),
                      empty: new Uint8Array(0),
                      list: ['a', 1, null, [true]],
                    },
                    timeUnixNano: 5n,
                    count: 3,
                    sum: 1.5,
                    bucketCounts: [1, 2],
                    explicitBounds: [0.5],
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

const logs: LogsBatch = {
  resourceLogs: [
    {
      resource: { attributes: {} },
      scopeLogs: [
        {
          scope: { name: '' },
          logRecords: [
            {
              timeUnixNano: 1n,
              observedTimeUnixNano: 2n,
              severityNumber: 9,
              severityText: 'INFO',
              body: { message: 'x'.repeat(100_000), nested: { $b: 'not a tag', '': 'empty key' } },
              attributes: { 'long.unicode': 'é'.repeat(70_000) },
              traceId: Uint8Array.from({ length: 16 }, (_, index) => index),
            },
          ],
        },
      ],
    },
  ],
};

describe('batch codec', () => {
  it('round-trips a metrics batch exactly: bigints, -0, NaN, infinities, bytes, unicode', () => {
    const decoded = decodeValue(encodeValue(metrics));
    assert.deepEqual(decoded, metrics);
    const point = (decoded as MetricsBatch).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data.dataPoints[1];
    assert.ok(Object.is(point?.attributes['zero'], -0), '-0 stays -0');
  });

  it('round-trips a logs batch with long strings and keys that look like tags', () => {
    assert.deepEqual(decodeValue(encodeValue(logs)), logs);
  });

  it('writes each object key once and refers to it afterwards', () => {
    const many = { list: Array.from({ length: 1000 }, (_, index) => ({ timeUnixNano: BigInt(index), value: index })) };
    const bytes = encodeValue(many);
    assert.deepEqual(decodeValue(bytes), many);
    assert.ok(bytes.length < 1000 * 16, `expected under 16 bytes per element, got ${bytes.length / 1000}`);
  });

  it('refuses truncated or trailing bytes instead of returning something wrong', () => {
    const bytes = encodeValue(metrics);
    assert.throws(() => decodeValue(bytes.subarray(0, bytes.length - 3)), /Unexpected end of data/);
    assert.throws(() => decodeValue(Uint8Array.of(...bytes, 0)), /trailing byte/);
    assert.throws(() => decodeValue(Uint8Array.of(99)), /Unknown value tag 99/);
  });

  it('refuses values the record model cannot hold', () => {
    assert.throws(() => encodeValue({ f: () => 1 }), /Cannot store a function/);
  });
});
