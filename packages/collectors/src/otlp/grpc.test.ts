import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Signal } from '@wasmpipe/core';
import {
  encodeLogsRequest,
  encodeMetricsRequest,
  logsToOtlpJson,
  metricsToOtlpJson,
  otlpServiceDefinition,
  readPartialSuccess,
} from '@wasmpipe/exporters';
import { sampleLogsBatch, sampleMetricsBatch } from '../../../exporters/src/testing/sample-batches.ts';
import { type ReceiverHarness, startReceiver } from './receiver-harness.ts';

type ExportClient = grpc.Client & {
  Export(
    request: Uint8Array,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: Uint8Array) => void,
  ): grpc.ClientUnaryCall;
};

/** A raw OTLP gRPC client for one signal. */
function clientFor(address: string, signal: Signal, options: grpc.ChannelOptions = {}): ExportClient {
  const Client = grpc.makeGenericClientConstructor(otlpServiceDefinition(signal), `${signal}`);
  return new Client(address, grpc.credentials.createInsecure(), options) as unknown as ExportClient;
}

function exportOnce(client: ExportClient, request: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    client.Export(request, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (error, response) =>
      error ? reject(error) : resolve(response ?? new Uint8Array(0)),
    );
  });
}

async function exportError(client: ExportClient, request: Uint8Array): Promise<grpc.ServiceError> {
  try {
    await exportOnce(client, request);
  } catch (error) {
    return error as grpc.ServiceError;
  }
  assert.fail('expected the call to fail');
}

describe('otlp receiver over gRPC', () => {
  let harness: ReceiverHarness;
  const clients: ExportClient[] = [];
  const client = (signal: Signal, options?: grpc.ChannelOptions) => {
    const created = clientFor(harness.grpcAddress, signal, options);
    clients.push(created);
    return created;
  };
  before(async () => {
    harness = await startReceiver({ protocols: { grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 1 } } });
  });
  after(async () => {
    for (const created of clients) created.close();
    await harness.close();
  });

  test('takes metrics and logs, gzipped or not, and answers an empty response', async () => {
    const metrics = sampleMetricsBatch();
    assert.equal((await exportOnce(client('metrics'), encodeMetricsRequest(metrics))).length, 0);
    assert.deepEqual(metricsToOtlpJson(harness.metrics.at(-1) as never), metricsToOtlpJson(metrics));
    const logs = sampleLogsBatch();
    const gzipped = client('logs', { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    assert.equal((await exportOnce(gzipped, encodeLogsRequest(logs))).length, 0);
    assert.deepEqual(logsToOtlpJson(harness.logs.at(-1) as never), logsToOtlpJson(logs));
  });

  test('answers a partial success for records it leaves out', async () => {
    const logs = sampleLogsBatch();
    const record = logs.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    if (record) record.traceId = Uint8Array.of(1);
    const response = await exportOnce(client('logs'), encodeLogsRequest(logs));
    assert.deepEqual(readPartialSuccess(response), {
      rejected: 1,
      errorMessage: 'a log record has a trace id of 1 bytes instead of 16',
    });
    assert.equal(harness.count('wasmpipe.collector.refused', 'logs'), 1);
  });

  test('malformed protobuf is INVALID_ARGUMENT, an oversized message RESOURCE_EXHAUSTED', async () => {
    const malformed = await exportError(client('metrics'), Uint8Array.of(0x0a, 0x09, 0x0a));
    assert.equal(malformed.code, grpc.status.INVALID_ARGUMENT);
    assert.match(malformed.details, /Truncated protobuf/);
    assert.equal(harness.count('wasmpipe.collector.refused_requests', 'metrics'), 1);
    const oversized = await exportError(client('metrics'), new Uint8Array(2 * 1024 * 1024).fill(0x0a));
    assert.equal(oversized.code, grpc.status.RESOURCE_EXHAUSTED);
    // A gzip bomb is cut off by the same limit after decompression.
    const bomb = await exportError(
      client('logs', { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip }),
      new Uint8Array(32 * 1024 * 1024),
    );
    assert.equal(bomb.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(bomb.details, /larger than 1048576/);
    // Still serving.
    assert.equal((await exportOnce(client('metrics'), encodeMetricsRequest(sampleMetricsBatch()))).length, 0);
  });
});
