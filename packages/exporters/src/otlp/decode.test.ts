import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogsBatch, MetricsBatch } from '@wasmpipe/core';
import { ExportLogsServiceRequest, ExportMetricsServiceRequest } from '../testing/official-schema.ts';
import { EVERY_ANY_VALUE, largeSumBatch, sampleLogsBatch, sampleMetricsBatch } from '../testing/sample-batches.ts';
import { decodeLogsRequest } from './decode-logs.ts';
import { decodeMetricsRequest } from './decode-metrics.ts';
import { encodeLogsRequest } from './encode-logs.ts';
import { encodeMetricsRequest } from './encode-metrics.ts';
import { logsToOtlpJson, metricsToOtlpJson } from './otlp-json.ts';
import { OtlpDecodeError } from './protobuf-decoder.ts';
import { ProtobufWriter, WireType } from './protobuf-writer.ts';

/** protobufjs's `fromObject` takes bytes as base64; OTLP/JSON writes ids as hex. */
function idsToBase64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToBase64);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      key === 'traceId' || key === 'spanId' ? Buffer.from(item as string, 'hex').toString('base64') : idsToBase64(item);
  }
  return result;
}

function expectDecodeError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof OtlpDecodeError && pattern.test(error.message));
}

/**
 * Up to 500 prefixes and as many single-byte corruptions: only a clean result or an
 * OtlpDecodeError. Returns the share refused.
 */
function assertNeverCrashes(bytes: Uint8Array, decode: (bytes: Uint8Array) => unknown): number {
  const step = Math.max(1, Math.floor(bytes.length / 500));
  let refused = 0;
  let attempts = 0;
  const attempt = (candidate: Uint8Array) => {
    attempts++;
    try {
      decode(candidate);
    } catch (error) {
      assert.ok(error instanceof OtlpDecodeError, `unexpected ${String(error)}`);
      refused++;
    }
  };
  for (let length = 0; length < bytes.length; length += step) attempt(bytes.subarray(0, length));
  const corrupted = bytes.slice();
  for (let index = 0; index < bytes.length; index += step) {
    corrupted[index] = (bytes[index] as number) ^ 0xff;
    attempt(corrupted);
    corrupted[index] = bytes[index] as number;
  }
  return refused / attempts;
}

describe('decodeMetricsRequest', () => {
  test('decodes our encoding of every metric type losslessly, byte for byte', () => {
    const batch = sampleMetricsBatch();
    const bytes = encodeMetricsRequest(batch);
    const { batch: decoded, rejections } = decodeMetricsRequest(bytes);
    assert.ok(rejections.empty);
    assert.deepEqual(metricsToOtlpJson(decoded), metricsToOtlpJson(batch));
    assert.deepEqual(encodeMetricsRequest(decoded), bytes);
  });

  test('decodes what the official schema encodes', () => {
    const json = metricsToOtlpJson(sampleMetricsBatch()) as {
      resourceMetrics: { scopeMetrics: { metrics: Record<string, unknown>[] }[] }[];
    };
    // The 0.52.1 schema has no Metric.metadata (field 12).
    delete json.resourceMetrics[0]?.scopeMetrics[0]?.metrics[1]?.metadata;
    const bytes = ExportMetricsServiceRequest.encode(
      ExportMetricsServiceRequest.fromObject(idsToBase64(json) as object),
    ).finish();
    assert.deepEqual(metricsToOtlpJson(decodeMetricsRequest(bytes).batch), json);
  });

  test('an empty request is an empty batch; 100k points decode', () => {
    assert.deepEqual(decodeMetricsRequest(new Uint8Array(0)).batch, { resourceMetrics: [] });
    const large = largeSumBatch(100_000);
    const bytes = encodeMetricsRequest(large);
    const { batch } = decodeMetricsRequest(bytes);
    assert.equal(batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics.length, 1000);
    assert.deepEqual(
      batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[999],
      large.resourceMetrics[0]?.scopeMetrics[0]?.metrics[999],
    );
    assert.ok(Buffer.from(encodeMetricsRequest(batch)).equals(bytes));
  });

  test('reads repeated numbers whether packed or not', () => {
    // One histogram point with bucket_counts and explicit_bounds written unpacked, field by field.
    const writer = new ProtobufWriter();
    const resource = writer.beginMessage(1);
    const scope = writer.beginMessage(2);
    const metric = writer.beginMessage(2);
    writer.tag(1, WireType.LENGTH_DELIMITED);
    writer.string('h');
    const histogram = writer.beginMessage(9);
    const point = writer.beginMessage(1);
    for (const count of [1, 2, 3]) {
      writer.tag(6, WireType.FIXED64);
      writer.fixed64(count);
    }
    for (const bound of [0.5, 1]) {
      writer.tag(7, WireType.FIXED64);
      writer.double(bound);
    }
    writer.endMessage(point);
    writer.tag(2, WireType.VARINT);
    writer.varint32(2);
    writer.endMessage(histogram);
    writer.endMessage(metric);
    writer.endMessage(scope);
    writer.endMessage(resource);
    const { batch } = decodeMetricsRequest(writer.finish());
    const data = batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data;
    assert.equal(data?.type, 'histogram');
    assert.deepEqual(data?.dataPoints[0]?.bucketCounts, [1, 2, 3]);
    assert.deepEqual(data?.dataPoints[0]?.explicitBounds, [0.5, 1]);
  });

  test('skips unknown fields of every wire type, and known fields with an unexpected wire type', () => {
    const writer = new ProtobufWriter();
    const resource = writer.beginMessage(1);
    writer.tag(99, WireType.VARINT);
    writer.int64(-1);
    writer.tag(98, WireType.FIXED64);
    writer.double(1);
    writer.tag(97, WireType.FIXED32);
    writer.fixed32(1);
    writer.tag(96, 3); // start group
    writer.tag(1, WireType.VARINT);
    writer.varint32(5);
    writer.tag(96, 4); // end group
    writer.tag(3, WireType.VARINT); // schema_url as a varint: not what field 3 is
    writer.varint32(7);
    const unknownMessage = writer.beginMessage(95);
    writer.tag(1, WireType.LENGTH_DELIMITED);
    writer.string('x');
    writer.endMessage(unknownMessage);
    writer.endMessage(resource);
    assert.deepEqual(decodeMetricsRequest(writer.finish()).batch, {
      resourceMetrics: [{ resource: { attributes: {} }, scopeMetrics: [] }],
    });
  });

  test('leaves out and reports what the model cannot hold', () => {
    const batch: MetricsBatch = sampleMetricsBatch();
    const bytes = encodeMetricsRequest(batch);
    const official = ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(bytes), {}) as {
      resourceMetrics: { scopeMetrics: { metrics: Record<string, unknown>[] }[] }[];
    };
    const [histogram, exponential, summary] = official.resourceMetrics[0]!.scopeMetrics[1]!.metrics as [
      { histogram: { dataPoints: { explicitBounds: number[] }[] } },
      { exponentialHistogram: { aggregationTemporality: number } },
      { summary?: unknown },
    ];
    // The histogram: 2 points, one now with 3 bucket counts for 1 bound.
    histogram.histogram.dataPoints[0]!.explicitBounds = [1];
    // The exponential histogram: no aggregation temporality (2 points).
    exponential.exponentialHistogram.aggregationTemporality = 0;
    // The summary: no data at all.
    delete summary.summary;
    const changed = ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(official)).finish();
    const { batch: decoded, rejections } = decodeMetricsRequest(changed);
    assert.equal(rejections.count, 3);
    assert.equal(
      rejections.message(),
      'histogram "http.server.duration" has a data point with 3 bucket counts for 1 bounds; ' +
        'metric "http.server.duration.exponential" has no aggregation temporality; ' +
        'metric "rpc.latency.summary" has no data and was dropped',
    );
    const names = decoded.resourceMetrics[0]?.scopeMetrics[1]?.metrics.map((metric) => metric.name);
    assert.deepEqual(names, ['http.server.duration']);
    assert.equal(decoded.resourceMetrics[0]?.scopeMetrics[1]?.metrics[0]?.data.dataPoints.length, 1);
  });

  test('truncated or corrupted input is refused with an OtlpDecodeError, never a crash', () => {
    const bytes = encodeMetricsRequest(sampleMetricsBatch());
    const refused = assertNeverCrashes(bytes, decodeMetricsRequest);
    assert.ok(refused > 0.5, `only ${(refused * 100).toFixed(0)}% of the malformed inputs were refused`);
    expectDecodeError(() => decodeMetricsRequest(Uint8Array.of(0x0a, 0x05, 0x0a)), /Truncated protobuf/);
    expectDecodeError(() => decodeMetricsRequest(Uint8Array.of(0x0f)), /wire type 7/);
    expectDecodeError(() => decodeMetricsRequest(Uint8Array.of(0x02, 0x00)), /field number 0/);
    expectDecodeError(() => decodeMetricsRequest(new Uint8Array(11).fill(0xff)), /varint longer than 10 bytes/);
  });

  test('random bytes never crash the decoder', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 3000; round++) {
      const bytes = Uint8Array.from({ length: random() % 64 }, () => random() & 0xff);
      for (const decode of [decodeMetricsRequest, decodeLogsRequest]) {
        try {
          decode(bytes);
        } catch (error) {
          assert.ok(
            error instanceof OtlpDecodeError,
            `unexpected ${String(error)} for ${Buffer.from(bytes).toString('hex')}`,
          );
        }
      }
    }
  });
});

describe('decodeLogsRequest', () => {
  test('decodes our encoding of every log field and AnyValue kind losslessly, byte for byte', () => {
    const batch = sampleLogsBatch();
    const bytes = encodeLogsRequest(batch);
    const { batch: decoded, rejections } = decodeLogsRequest(bytes);
    assert.ok(rejections.empty);
    assert.deepEqual(logsToOtlpJson(decoded), logsToOtlpJson(batch));
    assert.deepEqual(encodeLogsRequest(decoded), bytes);
    const attributes = decoded.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.attributes;
    assert.equal(attributes?.['int.bigint'], 9_007_199_254_740_993n, 'an int64 beyond 2^53 stays exact');
    assert.equal(attributes?.['int.min.safe'], -Number.MAX_SAFE_INTEGER);
    assert.deepEqual(attributes?.bytes, EVERY_ANY_VALUE.bytes);
    assert.ok(Number.isNaN(attributes?.['double.nan'] as number));
  });

  test('decodes what the official schema encodes', () => {
    const json = logsToOtlpJson(sampleLogsBatch()) as {
      resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
    };
    delete json.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.eventName;
    const bytes = ExportLogsServiceRequest.encode(
      ExportLogsServiceRequest.fromObject(idsToBase64(json) as object),
    ).finish();
    assert.deepEqual(logsToOtlpJson(decodeLogsRequest(bytes).batch), json);
  });

  test('a record with a malformed trace or span id is rejected, the rest kept', () => {
    const batch: LogsBatch = sampleLogsBatch();
    const records = batch.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    records[1]!.traceId = Uint8Array.of(1, 2, 3);
    records[2]!.spanId = new Uint8Array(16);
    const { batch: decoded, rejections } = decodeLogsRequest(encodeLogsRequest(batch));
    assert.equal(rejections.count, 2);
    assert.equal(
      rejections.message(),
      'a log record has a trace id of 3 bytes instead of 16; a log record has a span id of 16 bytes instead of 8',
    );
    assert.equal(decoded.resourceLogs[0]?.scopeLogs[0]?.logRecords.length, records.length - 2);
  });

  test('an attribute named __proto__ stays an attribute; repeated short strings decode correctly', () => {
    const batch: LogsBatch = {
      resourceLogs: [
        {
          resource: { attributes: {} },
          scopeLogs: [
            {
              scope: { name: 's' },
              logRecords: ['ab', 'ba', 'ab', 'abc', 'ab'].map((text, index) => {
                const attributes = JSON.parse(`{"__proto__": {"polluted": ${index}}, "k": "${text}"}`);
                return { observedTimeUnixNano: 1n, attributes, body: text };
              }),
            },
          ],
        },
      ],
    };
    const decoded = decodeLogsRequest(encodeLogsRequest(batch)).batch;
    const records = decoded.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    assert.deepEqual(
      records.map((record) => record.body),
      ['ab', 'ba', 'ab', 'abc', 'ab'],
    );
    assert.deepEqual(Object.keys(records[2]?.attributes ?? {}), ['__proto__', 'k']);
    assert.equal(Object.getPrototypeOf(records[2]?.attributes), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Buffer.from(encodeLogsRequest(decoded)).equals(encodeLogsRequest(batch)));
  });

  test('refuses invalid UTF-8, AnyValues nested too deep, and truncations', () => {
    const writer = new ProtobufWriter();
    const resource = writer.beginMessage(1);
    writer.tag(3, WireType.LENGTH_DELIMITED);
    writer.bytes(Uint8Array.of(0x68, 0xc3, 0x28));
    writer.endMessage(resource);
    expectDecodeError(() => decodeLogsRequest(writer.finish()), /Invalid UTF-8/);

    let deep: unknown = 'leaf';
    for (let level = 0; level < 100; level++) deep = [deep];
    const nested: LogsBatch = {
      resourceLogs: [
        {
          resource: { attributes: {} },
          scopeLogs: [
            { scope: { name: '' }, logRecords: [{ observedTimeUnixNano: 1n, attributes: {}, body: deep as never }] },
          ],
        },
      ],
    };
    expectDecodeError(() => decodeLogsRequest(encodeLogsRequest(nested)), /nested deeper than 64 levels/);
    assertNeverCrashes(encodeLogsRequest(sampleLogsBatch()).subarray(0, 4000), decodeLogsRequest);
  });
});
