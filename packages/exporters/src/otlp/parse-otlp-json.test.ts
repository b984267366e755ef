import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeLogsRequest as decodeOfficialLogs } from '../testing/official-schema.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/sample-batches.ts';
import { encodeLogsRequest } from './encode-logs.ts';
import { encodeMetricsRequest } from './encode-metrics.ts';
import { logsToOtlpJson, metricsToOtlpJson } from './otlp-json.ts';
import { parseLogsJson, parseMetricsJson } from './parse-otlp-json.ts';
import { OtlpDecodeError } from './protobuf-decoder.ts';

function expectInvalid(text: string, message: string): void {
  assert.throws(
    () => parseMetricsJson(text),
    (error: unknown) => error instanceof OtlpDecodeError && error.message === message,
  );
}

describe('parseMetricsJson', () => {
  test('parses the OTLP/JSON of every metric type back to the same batch', () => {
    const batch = sampleMetricsBatch();
    const text = JSON.stringify(metricsToOtlpJson(batch));
    const { batch: parsed, rejections } = parseMetricsJson(new TextEncoder().encode(text));
    assert.ok(rejections.empty);
    assert.deepEqual(metricsToOtlpJson(parsed), metricsToOtlpJson(batch));
    assert.deepEqual(encodeMetricsRequest(parsed), encodeMetricsRequest(batch));
  });

  test('accepts snake_case names, enum names, numbers for 64-bit integers and null for absent', () => {
    const text = JSON.stringify({
      resource_metrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
          scope_metrics: [
            {
              scope: null,
              metrics: [
                {
                  name: 'requests',
                  sum: {
                    aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    is_monotonic: true,
                    data_points: [{ as_int: 5, time_unix_nano: 1_700_000_000_000, start_time_unix_nano: '10' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const { batch } = parseMetricsJson(text);
    assert.deepEqual(batch, {
      resourceMetrics: [
        {
          resource: { attributes: { 'service.name': 'svc' } },
          scopeMetrics: [
            {
              scope: { name: '' },
              metrics: [
                {
                  name: 'requests',
                  data: {
                    type: 'sum',
                    aggregationTemporality: 'delta',
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: {},
                        timeUnixNano: 1_700_000_000_000n,
                        startTimeUnixNano: 10n,
                        value: 5,
                        isInteger: true,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  test('reports type errors with their JSON path', () => {
    expectInvalid('{"resourceMetrics": {}}', 'Invalid OTLP/JSON at resourceMetrics: expected a list, got object {}.');
    expectInvalid(
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1.5"}]}}]}]}]}',
      'Invalid OTLP/JSON at resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt: expected a 64-bit integer (a number or a decimal string), got string "1.5".',
    );
    expectInvalid(
      '{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":{"intValue":true}}]}}]}',
      'Invalid OTLP/JSON at resourceMetrics[0].resource.attributes[0].value.intValue: expected a 64-bit integer (a number or a decimal string), got boolean true.',
    );
    expectInvalid(
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"SOMETIMES"}}]}]}]}',
      'Invalid OTLP/JSON at resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality: expected one of AGGREGATION_TEMPORALITY_UNSPECIFIED, AGGREGATION_TEMPORALITY_DELTA, AGGREGATION_TEMPORALITY_CUMULATIVE or its number, got string "SOMETIMES".',
    );
    expectInvalid('[1]', 'Invalid OTLP/JSON at $: expected an object, got a list.');
    assert.throws(() => parseMetricsJson('{"resourceMetrics": ['), /^OtlpDecodeError: Invalid JSON: /);
  });

  test('leaves out metrics without data or temporality and histograms with mismatched buckets', () => {
    const { batch, rejections } = parseMetricsJson(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'empty' },
                  { name: 'no.temporality', sum: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }] } },
                  {
                    name: 'h',
                    histogram: {
                      aggregationTemporality: 2,
                      dataPoints: [{ bucketCounts: ['1', '2'], explicitBounds: [] }, { count: '3' }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.equal(rejections.count, 3);
    assert.match(rejections.message(), /^metric "empty" has no data and was dropped; metric "no.temporality" has no/);
    assert.deepEqual(
      batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics.map((metric) => [metric.name, metric.data.dataPoints.length]),
      [['h', 1]],
    );
  });
});

describe('parseLogsJson', () => {
  test('parses the OTLP/JSON of every log field and AnyValue kind back to the same batch', () => {
    const batch = sampleLogsBatch();
    const { batch: parsed, rejections } = parseLogsJson(JSON.stringify(logsToOtlpJson(batch)));
    assert.ok(rejections.empty);
    assert.deepEqual(logsToOtlpJson(parsed), logsToOtlpJson(batch));
    assert.deepEqual(encodeLogsRequest(parsed), encodeLogsRequest(batch));
    assert.ok(decodeOfficialLogs(encodeLogsRequest(parsed)).resourceLogs);
  });

  test('accepts severity names, URL-safe base64 and rejects records with bad ids', () => {
    const { batch, rejections } = parseLogsJson(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { severityNumber: 'SEVERITY_NUMBER_WARN3', body: { bytesValue: '-_8' }, traceId: 'abcd' },
                  {
                    severity_number: 'SEVERITY_NUMBER_FATAL4',
                    body: { bytes_value: '-_8' },
                    span_id: '0102030405060708',
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.equal(rejections.count, 1);
    assert.deepEqual(batch.resourceLogs[0]?.scopeLogs[0]?.logRecords, [
      {
        observedTimeUnixNano: 0n,
        attributes: {},
        severityNumber: 24,
        body: Uint8Array.of(0xfb, 0xff),
        spanId: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      },
    ]);
  });

  test('refuses a trace id that is not hex', () => {
    assert.throws(
      () => parseLogsJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz"}]}]}]}'),
      /at resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.traceId: expected a hex string/,
    );
  });
});
