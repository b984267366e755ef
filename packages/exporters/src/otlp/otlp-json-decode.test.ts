import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVERY_ANY_VALUE, sampleLogsBatch, sampleMetricsBatch } from '../testing/sample-batches.ts';
import { anyValueJson, logsToOtlpJson, metricsToOtlpJson } from './otlp-json.ts';
import { anyValueFromJson, logsFromOtlpJson, metricsFromOtlpJson } from './otlp-json-decode.ts';

// What a sender may legally write that our own encoder never does: snake_case field names, enum
// names, int64 as JSON numbers, a data point without a value. Shaped like the OTLP spec's examples.
const SPEC_STYLE_METRICS = {
  resource_metrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
      scope_metrics: [
        {
          scope: { name: 'my.library', version: '1.0.0', attributes: [{ key: 'my.scope.attribute', value: {} }] },
          metrics: [
            {
              name: 'my.counter',
              unit: '1',
              description: 'I am a Counter',
              sum: {
                aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA',
                is_monotonic: true,
                data_points: [
                  {
                    as_double: 5,
                    start_time_unix_nano: 1544712660300000000,
                    time_unix_nano: '1544712660300000000',
                    attributes: [{ key: 'my.counter.attr', value: { stringValue: 'some value' } }],
                  },
                ],
              },
            },
            { name: 'my.gauge', gauge: { dataPoints: [{ asInt: '9007199254740993', timeUnixNano: '1' }, {}] } },
          ],
        },
      ],
    },
  ],
};

describe('OTLP/JSON decoding', () => {
  test('the encoder output decodes to a batch that encodes to the same JSON (metrics)', () => {
    const json = metricsToOtlpJson(sampleMetricsBatch());
    const decoded = metricsFromOtlpJson(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(metricsToOtlpJson(decoded), json);
  });

  test('the encoder output decodes to a batch that encodes to the same JSON (logs)', () => {
    const json = logsToOtlpJson(sampleLogsBatch());
    const decoded = logsFromOtlpJson(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(logsToOtlpJson(decoded), json);
    const record = decoded.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    assert.equal(record?.timeUnixNano, 1_700_000_000_000_000_000n);
    assert.deepEqual(
      record?.traceId,
      Uint8Array.from({ length: 16 }, (_, index) => index + 1),
    );
  });

  test('every AnyValue kind survives, 64-bit integers as bigint beyond 2^53', () => {
    for (const [key, value] of Object.entries(EVERY_ANY_VALUE)) {
      const decoded = anyValueFromJson(JSON.parse(JSON.stringify(anyValueJson(value))), key);
      if (typeof value === 'number' && Number.isNaN(value)) assert.ok(Number.isNaN(decoded), key);
      else assert.deepEqual(decoded, value, key);
    }
    assert.equal(anyValueFromJson({ intValue: '9223372036854775807' }, 'x'), 9_223_372_036_854_775_807n);
    assert.equal(anyValueFromJson({ intValue: 12 }, 'x'), 12);
  });

  test('accepts snake_case names, enum names, numeric int64 and absent values', () => {
    const batch = metricsFromOtlpJson(SPEC_STYLE_METRICS);
    const scope = batch.resourceMetrics[0]?.scopeMetrics[0];
    assert.deepEqual(batch.resourceMetrics[0]?.resource, { attributes: { 'service.name': 'my.service' } });
    assert.deepEqual(scope?.scope, {
      name: 'my.library',
      version: '1.0.0',
      attributes: { 'my.scope.attribute': null },
    });
    const [counter, gauge] = scope?.metrics ?? [];
    assert.deepEqual(counter, {
      name: 'my.counter',
      unit: '1',
      description: 'I am a Counter',
      data: {
        type: 'sum',
        aggregationTemporality: 'delta',
        isMonotonic: true,
        dataPoints: [
          {
            attributes: { 'my.counter.attr': 'some value' },
            startTimeUnixNano: 1_544_712_660_300_000_000n,
            timeUnixNano: 1_544_712_660_300_000_000n,
            value: 5,
          },
        ],
      },
    });
    assert.deepEqual(gauge?.data.dataPoints, [
      { attributes: {}, timeUnixNano: 1n, value: 9_007_199_254_740_992, isInteger: true },
      { attributes: {}, timeUnixNano: 0n, value: 0 },
    ]);
  });

  test('reads severity names and ignores unknown fields', () => {
    const batch = logsFromOtlpJson({
      resourceLogs: [
        {
          futureField: 1,
          scopeLogs: [
            {
              logRecords: [
                { severityNumber: 'SEVERITY_NUMBER_WARN2', body: { stringValue: 'x' }, observedTimeUnixNano: '5' },
                { severityNumber: 'SEVERITY_NUMBER_UNSPECIFIED' },
              ],
            },
          ],
        },
      ],
    });
    assert.deepEqual(batch.resourceLogs[0]?.scopeLogs[0]?.logRecords, [
      { observedTimeUnixNano: 5n, attributes: {}, severityNumber: 14, body: 'x' },
      { observedTimeUnixNano: 0n, attributes: {} },
    ]);
    assert.deepEqual(batch.resourceLogs[0]?.scopeLogs[0]?.scope, { name: '' });
  });

  test('a field of the wrong type is an error naming its path', () => {
    const withMetric = (metric: object) => ({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });
    const cases: [unknown, RegExp][] = [
      [[], /the request: expected an object, got \[\]/],
      [{ resourceMetrics: {} }, /resourceMetrics: expected a list/],
      [withMetric({ name: 'x' }), /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]: the metric has no data/],
      [
        withMetric({ name: 'x', gauge: { dataPoints: [{ asInt: 1.5 }] } }),
        /metrics\[0\]\.gauge\.dataPoints\[0\]\.asInt: expected an integer/,
      ],
      [
        { resourceMetrics: [{ resource: { attributes: [{ key: 'a', value: { boolValue: 'yes' } }] } }] },
        /resourceMetrics\[0\]\.resource\.attributes\[0\]\.value\.boolValue: expected a boolean, got "yes"/,
      ],
      [
        withMetric({ name: 'x', sum: { aggregationTemporality: 7 } }),
        /sum\.aggregationTemporality: expected 1 \(delta\) or 2 \(cumulative\), got 7/,
      ],
    ];
    for (const [input, message] of cases) assert.throws(() => metricsFromOtlpJson(input), message);
    assert.throws(
      () => logsFromOtlpJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'xyz' }] }] }] }),
      /logRecords\[0\]\.traceId: expected hexadecimal bytes/,
    );
  });
});
