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

  test('an unknown path is 404 and another method 405, each with a google.rpc.Status body', async () => {
    const unknown = await post('/v1/traces', new Uint8Array(0), PROTOBUF);
    assert.equal(unknown.status, 404);
    assert.deepEqual(decodeStatus(new Uint8Array(await unknown.arrayBuffer())), {
      code: 5,
      message: 'No OTLP signal is served at /v1/traces.',
    });
    const get = await fetch(`${harness.httpUrl}/v1/metrics`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal(decodeStatus(new Uint8Array(await get.arrayBuffer()))?.code, 12);
    assert.equal(
      harness.count('wasmpipe.collector.refused_requests', 'metrics'),
      1,
      'the 405 names a signal; the 404 does not',
    );
  });

  test('an undecodable JSON request gets 400 with a JSON status naming the problem', async () => {
    const response = await post('/v1/logs', '{"resourceLogs": [{"scopeLogs": 3}]}', JSON_TYPE);
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      code: 3,
      message: 'Invalid OTLP/JSON at resourceLogs[0].scopeLogs: expected a list, got number 3.',
    });
  });
});
