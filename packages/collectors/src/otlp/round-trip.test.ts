// Our exporters send to our receiver: every metric type, every log field and every AnyValue kind
// must arrive unchanged, over OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC, gzipped or not.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getPlatform, type LogsBatch, type MetricsBatch, type Problem } from '@wasmpipe/core';
import {
  encodeLogsRequest,
  encodeMetricsRequest,
  logsToOtlpJson,
  metricsToOtlpJson,
  otlpGrpcExporter,
  otlpHttpExporter,
} from '@wasmpipe/exporters';
import { createTestContext } from '../../../exporters/src/testing/create-context.ts';
import { largeSumBatch, sampleLogsBatch, sampleMetricsBatch } from '../../../exporters/src/testing/sample-batches.ts';
import { type ReceiverHarness, startReceiver } from './receiver-harness.ts';

interface AnyExporter {
  start?(host: unknown): Promise<void> | void;
  exportMetrics?(batch: MetricsBatch): Promise<void>;
  exportLogs?(batch: LogsBatch): Promise<void>;
  shutdown?(): Promise<void> | void;
}

async function create(
  definition: typeof otlpHttpExporter | typeof otlpGrpcExporter,
  input: object,
): Promise<AnyExporter> {
  const problems: Problem[] = [];
  const config = definition.config.parse(input, 'exporters.x', problems);
  assert.deepEqual(problems, []);
  const { context } = createTestContext(definition.type);
  const exporter = (await definition.create(config as never, context)) as AnyExporter;
  await exporter.start?.({ platform: getPlatform(), logger: context.logger });
  return exporter;
}

/** The batch as the receiver handed it on, compared in its wire form (and, unless huge, as OTLP/JSON). */
function assertSameMetrics(received: MetricsBatch | undefined, sent: MetricsBatch, asJson = true): void {
  assert.ok(received, 'nothing arrived');
  if (asJson) assert.deepEqual(metricsToOtlpJson(received), metricsToOtlpJson(sent));
  assert.ok(Buffer.from(encodeMetricsRequest(received)).equals(encodeMetricsRequest(sent)));
}

function assertSameLogs(received: LogsBatch | undefined, sent: LogsBatch): void {
  assert.ok(received, 'nothing arrived');
  assert.deepEqual(logsToOtlpJson(received), logsToOtlpJson(sent));
  assert.ok(Buffer.from(encodeLogsRequest(received)).equals(encodeLogsRequest(sent)));
}

describe('round trips from our exporters to our receiver', () => {
  let harness: ReceiverHarness;
  before(async () => {
    harness = await startReceiver({
      protocols: {
        http: { endpoint: '127.0.0.1:0', max_request_body_size: 64 * 1024 * 1024 },
        grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 64 },
      },
    });
  });
  after(() => harness.close());

  for (const compression of ['gzip', 'none'] as const) {
    test(`otlp_http, protobuf, ${compression}: every metric type and log field`, async () => {
      const exporter = await create(otlpHttpExporter, { endpoint: harness.httpUrl, compression });
      const metrics = sampleMetricsBatch();
      const logs = sampleLogsBatch();
      await exporter.exportMetrics?.(sampleMetricsBatch());
      await exporter.exportLogs?.(sampleLogsBatch());
      await exporter.shutdown?.();
      assertSameMetrics(harness.metrics.at(-1), metrics);
      assertSameLogs(harness.logs.at(-1), logs);
    });

    test(`otlp_grpc, ${compression}: every metric type and log field`, async () => {
      const exporter = await create(otlpGrpcExporter, { endpoint: `http://${harness.grpcAddress}`, compression });
      await exporter.exportMetrics?.(sampleMetricsBatch());
      await exporter.exportLogs?.(sampleLogsBatch());
      await exporter.shutdown?.();
      assertSameMetrics(harness.metrics.at(-1), sampleMetricsBatch());
      assertSameLogs(harness.logs.at(-1), sampleLogsBatch());
    });
  }

  for (const compression of ['gzip', 'none'] as const) {
    test(`otlp_http, JSON, ${compression}: every metric type and log field`, async () => {
      const exporter = await create(otlpHttpExporter, { endpoint: harness.httpUrl, encoding: 'json', compression });
      await exporter.exportMetrics?.(sampleMetricsBatch());
      await exporter.exportLogs?.(sampleLogsBatch());
      await exporter.shutdown?.();
      assertSameMetrics(harness.metrics.at(-1), sampleMetricsBatch());
      assertSameLogs(harness.logs.at(-1), sampleLogsBatch());
    });
  }

  test('OTLP/JSON as our converter writes it: every metric type and log field', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${harness.httpUrl}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    assert.equal((await post('/v1/metrics', metricsToOtlpJson(sampleMetricsBatch()))).status, 200);
    assert.equal((await post('/v1/logs', logsToOtlpJson(sampleLogsBatch()))).status, 200);
    assertSameMetrics(harness.metrics.at(-1), sampleMetricsBatch());
    assertSameLogs(harness.logs.at(-1), sampleLogsBatch());
  });

  test('a 100,000-point batch over both protocols', async () => {
    const large = largeSumBatch(100_000);
    const http = await create(otlpHttpExporter, { endpoint: harness.httpUrl });
    await http.exportMetrics?.(large);
    await http.shutdown?.();
    assertSameMetrics(harness.metrics.at(-1), large, false);
    const grpc = await create(otlpGrpcExporter, { endpoint: harness.grpcAddress, tls: { insecure: true } });
    await grpc.exportMetrics?.(large);
    await grpc.shutdown?.();
    assertSameMetrics(harness.metrics.at(-1), large, false);
  });
});
