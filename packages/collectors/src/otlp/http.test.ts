import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  decodeStatus,
  encodeLogsRequest,
  encodeMetricsRequest,
  logsToOtlpJson,
  metricsToOtlpJson,
} from '@wasmpipe/exporters';
// Test-only helpers of the exporters package: the official-schema decoders and sample batches.
import { ExportMetricsServiceResponse } from '../../../exporters/src/testing/official-schema.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../../../exporters/src/testing/sample-batches.ts';
import { type ReceiverHarness, startReceiver } from './receiver-harness.ts';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('otlp receiver over HTTP', () => {
  let harness: ReceiverHarness;
  before(async () => {
    harness = await startReceiver({
      protocols: { http: { endpoint: '127.0.0.1:0', max_request_body_size: 1024 * 1024 } },
    });
  });
  after(() => harness.close());

  const post = (path: string, body: BodyInit, headers: Record<string, string>) =>
    fetch(`${harness.httpUrl}${path}`, { method: 'POST', body, headers });

  test('takes protobuf metrics and answers an empty protobuf export response', async () => {
    const batch = sampleMetricsBatch();
    const response = await post('/v1/metrics', encodeMetricsRequest(batch), PROTOBUF);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await response.arrayBuffer()).byteLength, 0);
    assert.deepEqual(metricsToOtlpJson(harness.metrics.at(-1) as never), metricsToOtlpJson(batch));
  });

  test('takes gzipped protobuf logs', async () => {
    const batch = sampleLogsBatch();
    const response = await post('/v1/logs', gzipSync(encodeLogsRequest(batch)), {
      ...PROTOBUF,
      'content-encoding': 'gzip',
    });
    assert.equal(response.status, 200);
    assert.deepEqual(logsToOtlpJson(harness.logs.at(-1) as never), logsToOtlpJson(batch));
  });

  test('takes OTLP/JSON and answers in JSON', async () => {
    const batch = sampleLogsBatch();
    const response = await post('/v1/logs', JSON.stringify(logsToOtlpJson(batch)), {
      'content-type': 'application/json; charset=utf-8',
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(await response.json(), {});
    assert.deepEqual(logsToOtlpJson(harness.logs.at(-1) as never), logsToOtlpJson(batch));
  });

  test('answers a partial success for data it leaves out, and counts it', async () => {
    const before = harness.count('wasmpipe.collector.refused', 'metrics');
    const json = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'ok', gauge: { dataPoints: [{ asInt: '1' }] } },
                { name: 'bad', sum: { dataPoints: [{ asInt: '1' }, { asInt: '2' }] } },
              ],
            },
          ],
        },
      ],
    };
    const response = await post('/v1/metrics', JSON.stringify(json), JSON_TYPE);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      partialSuccess: { rejectedDataPoints: '2', errorMessage: 'metric "bad" has no aggregation temporality' },
    });
    assert.equal(harness.count('wasmpipe.collector.refused', 'metrics') - before, 2);
    const protobuf = await post('/v1/metrics', gzipSync(Buffer.from(JSON.stringify(json))), {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    });
    assert.equal(protobuf.status, 200);
    const viaProtobuf = await post('/v1/metrics', encodeMetricsRequest(harness.metrics.at(-1) as never), PROTOBUF);
    assert.equal((await viaProtobuf.arrayBuffer()).byteLength, 0);
  });

  test('a partial success in protobuf decodes with the official schema', async () => {
    const batch = sampleMetricsBatch();
    const histogram = batch.resourceMetrics[0]?.scopeMetrics[1]?.metrics[0]?.data;
    if (histogram?.type !== 'histogram') throw new Error('the sample changed');
    histogram.dataPoints[0]?.explicitBounds.push(7, 8, 9);
    const response = await post('/v1/metrics', encodeMetricsRequest(batch), PROTOBUF);
    assert.equal(response.status, 200);
    const body = new Uint8Array(await response.arrayBuffer());
    assert.deepEqual(
      ExportMetricsServiceResponse.toObject(ExportMetricsServiceResponse.decode(body), { longs: String }),
      {
        partialSuccess: {
          rejectedDataPoints: '1',
          errorMessage: 'histogram "http.server.duration" has a data point with 3 bucket counts for 5 bounds',
        },
      },
    );
  });

  test('refuses what it cannot take with the OTLP status codes and a google.rpc.Status body', async () => {
    const before = harness.count('wasmpipe.collector.refused_requests', 'metrics');
    const cases: [string, Promise<Response>, number, number, RegExp][] = [
      [
        'unknown path',
        post('/v1/traces', new Uint8Array(0), PROTOBUF),
        404,
        5,
        /No OTLP signal is served at \/v1\/traces/,
      ],
      ['wrong method', fetch(`${harness.httpUrl}/v1/metrics`), 405, 12, /GET is not allowed; send POST/],
      [
        'wrong content type',
        post('/v1/metrics', 'x', { 'content-type': 'text/plain' }),
        415,
        3,
        /Content-Type text\/plain/,
      ],
      [
        'unknown coding',
        post('/v1/metrics', 'x', { ...PROTOBUF, 'content-encoding': 'br' }),
        415,
        3,
        /Content-Encoding br/,
      ],
      [
        'malformed protobuf',
        post('/v1/metrics', Uint8Array.of(0x0a, 0x05, 0x0a), PROTOBUF),
        400,
        3,
        /Truncated protobuf/,
      ],
      [
        'corrupt gzip',
        post('/v1/metrics', Uint8Array.of(0x1f, 0x8b, 1, 2, 3), { ...PROTOBUF, 'content-encoding': 'gzip' }),
        400,
        3,
        /could not be decompressed/,
      ],
      [
        'oversized',
        post('/v1/metrics', new Uint8Array(2 * 1024 * 1024), PROTOBUF),
        413,
        8,
        /2097152 bytes than max_request_body_size/,
      ],
      [
        'gzip bomb',
        post('/v1/metrics', gzipSync(new Uint8Array(64 * 1024 * 1024)), { ...PROTOBUF, 'content-encoding': 'gzip' }),
        413,
        8,
        /gzip body decompresses to more than max_request_body_size \(1048576 bytes\)/,
      ],
    ];
    for (const [name, request, status, code, message] of cases) {
      const response = await request;
      assert.equal(response.status, status, name);
      assert.equal(response.headers.get('content-type'), 'application/x-protobuf', name);
      const decoded = decodeStatus(new Uint8Array(await response.arrayBuffer()));
      assert.equal(decoded?.code, code, name);
      assert.match(decoded?.message ?? '', message, name);
      if (status === 405) assert.equal(response.headers.get('allow'), 'POST');
    }
    // Every case but the unknown path names a signal, and each is counted once.
    assert.equal(harness.count('wasmpipe.collector.refused_requests', 'metrics') - before, cases.length - 1);
    assert.ok(
      harness.lines.some((line) => line.includes('Refused an OTLP request.') && line.includes('reason=invalid')),
    );
  });

  test('malformed JSON gets 400 with a JSON status naming the problem', async () => {
    const response = await post('/v1/logs', '{"resourceLogs": [{"scopeLogs": 3}]}', JSON_TYPE);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      code: 3,
      message: 'Invalid OTLP/JSON at resourceLogs[0].scopeLogs: expected a list, got number 3.',
    });
  });

  test('the server keeps serving after every refusal', async () => {
    const response = await post('/v1/metrics', encodeMetricsRequest(sampleMetricsBatch()), PROTOBUF);
    assert.equal(response.status, 200);
  });
});
