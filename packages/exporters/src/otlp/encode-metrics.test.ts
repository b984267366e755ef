import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countDataPoints, type MetricsBatch } from '@wasmpipe/core';
import { decodeMetricsRequest } from '../testing/official-schema.ts';
import { largeSumBatch, sampleMetricsBatch } from '../testing/sample-batches.ts';
import { encodeMetricsRequest } from './encode-metrics.ts';
import { metricsToOtlpJson } from './otlp-json.ts';

type Json = Record<string, unknown>;

/** protobufjs writes bytes as base64; OTLP/JSON writes trace and span ids as hex. */
function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (typeof value !== 'object' || value === null) return value;
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      key === 'traceId' || key === 'spanId' ? Buffer.from(item as string, 'base64').toString('hex') : idsToHex(item);
  }
  return result;
}

function at(value: unknown, ...path: (string | number)[]): Json {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown>)[key];
  return current as Json;
}

describe('encodeMetricsRequest', () => {
  const batch = sampleMetricsBatch();
  const decoded = decodeMetricsRequest(encodeMetricsRequest(batch));
  const metrics = (scope: number) => at(decoded, 'resourceMetrics', 0, 'scopeMetrics', scope, 'metrics');

  test('every field of every metric type decodes, with the official schema, to its OTLP/JSON form', () => {
    const expected = metricsToOtlpJson(batch) as { resourceMetrics: { scopeMetrics: { metrics: Json[] }[] }[] };
    // The official 0.52.1 schema predates `Metric.metadata` (field 12); it skips it as unknown.
    delete expected.resourceMetrics[0]?.scopeMetrics[0]?.metrics[1]?.metadata;
    assert.deepEqual(idsToHex(decoded), expected);
  });

  test('metric metadata is written as field 12', () => {
    const bytes = encodeMetricsRequest({
      resourceMetrics: [
        {
          resource: { attributes: {} },
          scopeMetrics: [
            {
              scope: { name: '' },
              metrics: [{ name: 'm', data: { type: 'gauge', dataPoints: [] }, metadata: { k: 'v' } }],
            },
          ],
        },
      ],
    });
    // metric(2){ name(1)="m" gauge(5){} metadata(12){ key(1)="k" value(2){ string_value(1)="v" } } }
    const metric = [0x0a, 0x01, 0x6d, 0x2a, 0x00, 0x62, 0x08, 0x0a, 0x01, 0x6b, 0x12, 0x03, 0x0a, 0x01, 0x76];
    const scope = [0x0a, 0x00, 0x12, metric.length, ...metric];
    const resource = [0x0a, 0x00, 0x12, scope.length, ...scope];
    assert.deepEqual([...bytes], [0x0a, resource.length, ...resource]);
  });

  test('resource, scope and schema URLs land in their fields', () => {
    const resourceMetrics = at(decoded, 'resourceMetrics', 0);
    assert.deepEqual(resourceMetrics.resource, {
      attributes: [
        { key: 'service.name', value: { stringValue: 'nginx' } },
        { key: 'host.name', value: { stringValue: 'web-1' } },
      ],
      droppedAttributesCount: 2,
    });
    assert.equal(resourceMetrics.schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
    assert.deepEqual(at(resourceMetrics, 'scopeMetrics', 0, 'scope'), {
      name: 'wasmpipe/nginx',
      version: '0.1.0',
      attributes: [{ key: 'scope.attribute', value: { intValue: '1' } }],
      droppedAttributesCount: 1,
    });
    assert.equal(at(resourceMetrics, 'scopeMetrics', 0).schemaUrl, 'https://opentelemetry.io/schemas/1.25.0');
    assert.deepEqual(at(decoded, 'resourceMetrics', 1), { resource: {} });
  });

  test('gauge points carry as_int (negative too) or as_double, flags and times', () => {
    const points = at(metrics(0), 0, 'gauge', 'dataPoints') as unknown as Json[];
    assert.deepEqual(points[0], {
      timeUnixNano: '1700000010123456789',
      asInt: '12',
      attributes: [{ key: 'state', value: { stringValue: 'active' } }],
    });
    assert.equal(points[1]?.asInt, '-3');
    assert.equal(points[1]?.flags, 1);
    assert.equal(points[2]?.asDouble, 0.75);
    assert.deepEqual(points[3], { timeUnixNano: '1700000010123456789', asDouble: 0 });
  });

  test('every AnyValue kind is encoded as its OTLP variant', () => {
    const attributes = at(metrics(0), 0, 'gauge', 'dataPoints', 2, 'attributes') as unknown as {
      key: string;
      value: Json;
    }[];
    const byKey = Object.fromEntries(attributes.map(({ key, value }) => [key, value]));
    assert.deepEqual(byKey['string'], { stringValue: 'hello' });
    assert.deepEqual(byKey['string.unicode'], { stringValue: 'héllo wörld ✓ 𝄞' });
    assert.deepEqual(byKey['string.empty'], { stringValue: '' });
    assert.equal((byKey['string.long'] as Json).stringValue, 'x'.repeat(200));
    assert.equal((byKey['string.long.unicode'] as Json).stringValue, 'é'.repeat(70_000));
    assert.deepEqual(byKey['bool.true'], { boolValue: true });
    assert.deepEqual(byKey['bool.false'], { boolValue: false });
    assert.deepEqual(byKey['int.zero'], { intValue: '0' });
    assert.deepEqual(byKey['int.negative'], { intValue: '-7' });
    assert.deepEqual(byKey['int.large'], { intValue: String(2 ** 40 + 3) });
    assert.deepEqual(byKey['int.min.safe'], { intValue: '-9007199254740991' });
    assert.deepEqual(byKey['int.bigint'], { intValue: '9007199254740993' });
    assert.deepEqual(byKey['int.bigint.negative'], { intValue: '-9223372036854775808' });
    assert.deepEqual(byKey['double'], { doubleValue: 3.25 });
    assert.deepEqual(byKey['double.nan'], { doubleValue: 'NaN' });
    assert.deepEqual(byKey['double.infinity'], { doubleValue: 'Infinity' });
    assert.deepEqual(byKey['bytes'], { bytesValue: 'AAEC/w==' });
    assert.deepEqual(byKey['array'], {
      arrayValue: {
        values: [
          { stringValue: 'a' },
          { intValue: '1' },
          { doubleValue: 2.5 },
          { boolValue: true },
          {},
          { arrayValue: { values: [{ stringValue: 'nested' }] } },
          { kvlistValue: { values: [{ key: 'inner', value: { stringValue: 'map' } }] } },
        ],
      },
    });
    assert.deepEqual(byKey['array.empty'], { arrayValue: {} });
    assert.deepEqual(byKey['kvlist.empty'], { kvlistValue: {} });
    assert.deepEqual(byKey['null'], {});
  });

  test('sums carry temporality, monotonicity, exemplars and 53-bit integers', () => {
    const sum = at(metrics(0), 1, 'sum');
    assert.equal(sum.aggregationTemporality, 2);
    assert.equal(sum.isMonotonic, true);
    const point = at(sum, 'dataPoints', 0);
    assert.equal(point.asInt, String(2 ** 52 + 1));
    assert.equal(point.startTimeUnixNano, '1700000000000000000');
    assert.deepEqual(at(point, 'exemplars', 0), {
      timeUnixNano: '1700000010123456789',
      spanId: Buffer.from([0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7]).toString('base64'),
      traceId: Buffer.from(Array.from({ length: 16 }, (_, index) => index + 1)).toString('base64'),
      asInt: '5',
      filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }],
    });
    assert.deepEqual(at(point, 'exemplars', 1), { timeUnixNano: '1700000000000000000', asDouble: 1.5 });
    const delta = at(metrics(0), 2, 'sum');
    assert.equal(delta.aggregationTemporality, 1);
    assert.equal(delta.isMonotonic, undefined);
  });

  test('histograms, exponential histograms and summaries keep counts, buckets and bounds', () => {
    const histogram = at(metrics(1), 0, 'histogram', 'dataPoints', 0);
    assert.equal(histogram.count, '6');
    assert.equal(histogram.sum, 1.5);
    assert.deepEqual(histogram.bucketCounts, ['1', '2', '3']);
    assert.deepEqual(histogram.explicitBounds, [0.1, 0.5]);
    assert.equal(histogram.min, 0.01);
    assert.equal(histogram.max, 0.9);
    const exponential = at(metrics(1), 1, 'exponentialHistogram', 'dataPoints', 0);
    assert.equal(exponential.count, String(2 ** 33 + 10));
    assert.equal(exponential.scale, -3);
    assert.equal(exponential.zeroCount, '2');
    assert.deepEqual(exponential.positive, { offset: -2, bucketCounts: ['1', '0', '300', String(2 ** 33)] });
    assert.deepEqual(exponential.negative, { offset: 5 });
    assert.equal(exponential.zeroThreshold, 1e-9);
    const summary = at(metrics(1), 2, 'summary', 'dataPoints', 0);
    assert.equal(summary.count, '10');
    assert.equal(summary.sum, 12.5);
    assert.deepEqual(summary.quantileValues, [{ value: 0.1 }, { quantile: 0.5, value: 1 }, { quantile: 1 }]);
  });

  test('an empty batch is an empty message', () => {
    const bytes = encodeMetricsRequest({ resourceMetrics: [] });
    assert.equal(bytes.length, 0);
    assert.deepEqual(decodeMetricsRequest(bytes), {});
  });

  test('a batch of 100k points decodes to the same points, and the writer is reusable afterwards', () => {
    const large = largeSumBatch(100_000);
    const bytes = encodeMetricsRequest(large);
    const result = decodeMetricsRequest(bytes);
    assert.deepEqual(result, metricsToOtlpJson(large));
    const decodedBatch = result as unknown as MetricsBatch & {
      resourceMetrics: { scopeMetrics: { metrics: { sum: { dataPoints: unknown[] } }[] }[] }[];
    };
    let points = 0;
    for (const metric of decodedBatch.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [])
      points += metric.sum.dataPoints.length;
    assert.equal(points, countDataPoints(large));
    assert.deepEqual(encodeMetricsRequest(batch), encodeMetricsRequest(batch));
  });

  test('a throwing batch leaves the shared writer clean for the next one', () => {
    const broken = {
      resourceMetrics: [{ resource: { attributes: {} }, scopeMetrics: [null] }],
    } as unknown as MetricsBatch;
    assert.throws(() => encodeMetricsRequest(broken));
    assert.deepEqual(decodeMetricsRequest(encodeMetricsRequest(batch)), decoded);
  });
});
